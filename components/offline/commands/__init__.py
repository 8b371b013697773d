"""The subcommands of `eks-pod-identity`, one module each: `add_arguments(parser)` and `run(args)`.

Exit statuses, the same for every subcommand (and listed by `eks-pod-identity --help`).
"""

OK = 0
"""Done; for `review`, no hazard left unaccepted."""
BAD_INPUT = 1
"""A stack file, an input file or a flag's value is wrong, or the program refuses the stack
(as `pulumi up` would, before creating anything): one line per problem on stderr."""
USAGE = 2
"""The command line itself is wrong (argparse)."""
HAZARDS = 3
"""`review` only: a hazard is not accepted (--accept / --accept-file), so a CI job stops."""
