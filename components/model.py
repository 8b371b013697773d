"""The base of every config model: camelCase keys, unknown keys rejected, immutable."""

from pydantic import BaseModel, ConfigDict
from pydantic.alias_generators import to_camel


class Model(BaseModel):
    """Config section: keys are camelCase in YAML, snake_case in Python; typos are errors."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="forbid", frozen=True)
