# Two commands to know: `make up STACK=dev` deploys a stack, `make test` runs the tests.
STACK ?= dev
VENV ?= venv
PYTHON ?= python3
# A local state backend needs no account; the path must be absolute (see README, State).
BACKEND ?= file://$(HOME)/.pulumi-eks-pod-identity
# up, preview and destroy first check for the Pulumi CLI, the AWS CLI, AWS credentials and the
# stack file, with the system python3 and in well under a second (tools/preflight.py), so a
# missing tool is reported before anything is installed. SKIP_PREFLIGHT=1 skips the checks.
SKIP_PREFLIGHT ?=

.PHONY: lock test schema fuzz refresh-aws-data refresh-upstream review adopt migrate-irsa access login up preview destroy policy-preview plan bench bench-instructions bench-refusals check-stacks check-package \
	preflight preflight-up preflight-preview preflight-destroy
# Prerequisites run in the order written: the checks before any install or pulumi command.
.NOTPARALLEL:

# uv installs the locked requirements in seconds; without it, pip does (a few minutes).
# .ci/run installs uv first. `--seed` puts pip in the venv too (tests/test_packaging.py uses it).
UV ?= $(shell command -v uv 2>/dev/null || { $(PYTHON) -m uv --version >/dev/null 2>&1 && echo "$(PYTHON) -m uv"; })
define install
	$(if $(UV),$(UV) venv --quiet --seed --allow-existing --python $(PYTHON) $(VENV),$(PYTHON) -m venv $(VENV))
	$(if $(UV),VIRTUAL_ENV=$(VENV) $(UV) pip install --quiet -r $(1),$(VENV)/bin/pip install --quiet -r $(1))
endef

# The program's packages only, as locked: what `pulumi up` runs with (Pulumi.yaml points it at ./venv).
$(VENV)/.program: requirements.txt
	$(call install,requirements.txt)
	touch $@

# The program's packages plus the test and validation tools, as locked (requirements-dev.txt).
$(VENV)/.dev: requirements.txt requirements-dev.txt
	$(call install,requirements-dev.txt)
	touch $@ $(VENV)/.program

# The locks, from pyproject.toml: requirements.txt (the program: this package, editable, and
# its `dependencies`) and requirements-dev.txt (the same pins plus the `dev` group). Existing
# pins are kept; UPGRADE=1 moves every package to its newest release within pyproject's ranges.
UPGRADE ?=
LOCK = $(UV) pip compile --quiet --universal --python-version 3.11 --custom-compile-command "make lock" $(if $(UPGRADE),--upgrade)
lock:
	@$(if $(UV),,echo "make lock needs uv (pip install uv)" >&2; exit 1)
	echo "-e ." | $(LOCK) - -o requirements.txt
	echo "-r requirements.txt" | $(LOCK) - pyproject.toml --group dev -o requirements-dev.txt

# Format, lint, types (strict on components/), then the suite: what CI runs (.ci/run).
test: $(VENV)/.dev
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy
	$(VENV)/bin/python -m pytest -q -n auto

# The component package's schema, as the Python SDK infers it from the public components
# (components/provider.py); tests/test_provider.py fails when the committed copy drifts.
schema: $(VENV)/.dev
	$(VENV)/bin/python -c 'import sys; from eks_pod_identity import provider; sys.stdout.write(provider.schema_text())' > schema.json

# A longer fuzzing campaign than the suite's (tests/stack/test_program_fuzz.py): random mutated stack files,
# through the program and through EksPodIdentity (tests/public/test_stack.py).
FUZZ_EXAMPLES ?= 2000
fuzz: $(VENV)/.dev
	FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) FUZZ_SEED=random $(VENV)/bin/python -m pytest -q tests/stack/test_program_fuzz.py \
		tests/public/test_stack.py -k 'mutated'

# Regenerate AWS's limits and managed policy list from botocore and moto (components/data/).
refresh-aws-data: $(VENV)/.dev
	$(VENV)/bin/python -m tools.refresh_aws_data

# What a stack would create, offline: no AWS account, no credentials (see README, Offline tools).
plan: $(VENV)/.program
	@mkdir -p plan-out
	$(VENV)/bin/eks-pod-identity plan $(STACK) --graph plan-out/$(STACK).mmd

# Review a stack-file change offline (README, Reviewing a change): what `pulumi up` would
# create, update, replace and delete going from Pulumi.$(STACK).yaml at BASE (a git ref) to
# the working tree's, with IAM diffs and hazards. No AWS, no credentials, no state.
# Exit 3 while a hazard is not accepted: pass ACCEPT="<id> ..." or list the ids in ACCEPT_FILE.
# A stack file that does not exist at BASE is a new stack (everything is a create).
BASE ?= origin/main
ACCEPT ?=
ACCEPT_FILE ?= review-accepted-$(STACK).txt

review: $(VENV)/.program
	@mkdir -p plan-out
	@git rev-parse --verify --quiet '$(BASE)^{commit}' >/dev/null || { echo "review: BASE=$(BASE) is not a git ref here (git fetch?)" >&2; exit 1; }
	@if git cat-file -e '$(BASE):Pulumi.$(STACK).yaml' 2>/dev/null; then \
		git show '$(BASE):Pulumi.$(STACK).yaml' > plan-out/base-$(STACK).yaml; \
	else \
		echo "review: Pulumi.$(STACK).yaml is new since $(BASE)" >&2; : > plan-out/base-$(STACK).yaml; \
	fi
	$(VENV)/bin/eks-pod-identity review $(STACK) --against plan-out/base-$(STACK).yaml \
		$(foreach id,$(ACCEPT),--accept '$(id)') $(if $(wildcard $(ACCEPT_FILE)),--accept-file $(ACCEPT_FILE))

# Adopt what exists: make adopt STACK=prod FROM="associations.json described.json agent.json"
# (ADOPT_FLAGS=--new-stack for a stack never deployed; see docs/adopting.md, Adopting what already exists).
adopt: $(VENV)/.program
	$(VENV)/bin/eks-pod-identity adopt $(STACK) $(foreach f,$(FROM),--from $(f)) --out import-$(STACK).json $(ADOPT_FLAGS)

# Move from IRSA: make migrate-irsa CLUSTER=my-cluster SA=sa.json ROLES="roles.json" [MIGRATE_FLAGS="--workloads workloads.json"]
migrate-irsa: $(VENV)/.program
	$(VENV)/bin/eks-pod-identity migrate-irsa --cluster $(CLUSTER) --service-accounts $(SA) \
		$(foreach f,$(ROLES),--roles $(f)) --out-config irsa-identities.yaml $(MIGRATE_FLAGS)

# Who gets what, as Markdown for a pull request: plan-out/<stack>-access.md
access: $(VENV)/.program
	@mkdir -p plan-out
	$(VENV)/bin/eks-pod-identity access $(STACK) > plan-out/$(STACK)-access.md
	@echo "plan-out/$(STACK)-access.md"

# Your own stack files (every Pulumi.*.yaml here, committed or not), checked offline.
check-stacks: $(VENV)/.program
	$(VENV)/bin/eks-pod-identity check

bench: $(VENV)/.dev
	$(VENV)/bin/python -m bench.fleet_bench --suite

# The same comparison in instructions (valgrind's callgrind): deterministic, about 3 minutes.
bench-instructions: $(VENV)/.dev
	$(VENV)/bin/python -m bench.fleet_bench --instructions --size 1000

# How long refusing a bad config of any size takes (counts first, bounded suggestions, linear parsing).
bench-refusals: $(VENV)/.dev
	$(VENV)/bin/python -m bench.refusal_bench

preflight: preflight-up
preflight-up preflight-preview preflight-destroy: preflight-%:
	@$(if $(SKIP_PREFLIGHT),echo "preflight skipped (SKIP_PREFLIGHT is set)",$(PYTHON) tools/preflight.py $* --stack $(STACK))

# Log in to PULUMI_BACKEND_URL if set, else to the local file backend; create the stack if new.
login:
	@pulumi whoami >/dev/null 2>&1 || pulumi login "$${PULUMI_BACKEND_URL:-$(BACKEND)}"

up: preflight-up $(VENV)/.program login
	pulumi stack select --create $(STACK)
	pulumi up --stack $(STACK)

preview: preflight-preview $(VENV)/.program login
	pulumi stack select --create $(STACK)
	pulumi preview --stack $(STACK)

destroy: preflight-destroy login
	pulumi destroy --stack $(STACK)

policypack/venv/.installed: policypack/requirements.txt
	$(PYTHON) -m venv policypack/venv
	policypack/venv/bin/pip install --quiet -r policypack/requirements.txt
	touch $@

policy-preview: preflight-preview $(VENV)/.program policypack/venv/.installed login
	pulumi stack select --create $(STACK)
	pulumi preview --stack $(STACK) --policy-pack policypack

# The components' package in a throwaway virtualenv, dependencies from the index (about a
# minute): the wheel installs, its dependency ranges resolve, and the components import.
check-package: $(VENV)/.dev
	rm -rf build/package && mkdir -p build/package
	$(VENV)/bin/pip wheel --quiet --no-deps --no-build-isolation -w build/package .
	$(PYTHON) -m venv build/package/venv
	build/package/venv/bin/pip install --quiet build/package/*.whl
	build/package/venv/bin/pip check
	cd build/package && venv/bin/python -c "import eks_pod_identity.stack, eks_pod_identity.iam.limits as l; assert l.managed_policy_paths(); print('the installed package imports and reads its data')"
	build/package/venv/bin/eks-pod-identity --help > /dev/null

# Refresh the catalog's recorded upstream action sets (docs/catalog.md).
# UPSTREAM lists OWNER/REPO=CHECKOUT[@REF] (a clone, or a bare git dir with @REF), e.g.
#   make refresh-upstream UPSTREAM="kubernetes-sigs/aws-load-balancer-controller=../aws-load-balancer-controller@v3.6.0"
# AWS=--aws-managed also re-reads the AWS managed policies from the installed moto (make AWS=--aws-managed ...).
# Then `make test`: the drift test fails for every entry whose upstream gained or lost an action
# until components/iam/catalog/ follows it (and its Upstream version is bumped) or
# tests/upstream/<entry>.json lists the difference with its reason.
UPSTREAM ?=
AWS ?=

refresh-upstream: $(VENV)/.dev
	$(VENV)/bin/python -m tools.refresh_upstream $(UPSTREAM) $(AWS)
