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

.PHONY: test login up preview destroy policy-preview plan bench check-stacks check-package \
	preflight preflight-up preflight-preview preflight-destroy
# Prerequisites run in the order written: the checks before any install or pulumi command.
.NOTPARALLEL:

# The program's packages only: what `pulumi up` runs with (Pulumi.yaml points it at ./venv).
$(VENV)/.program: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet -r requirements.txt
	touch $@

# The program's packages plus the test and validation tools (requirements-dev.txt).
$(VENV)/.dev: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.program

test: $(VENV)/.dev
	$(VENV)/bin/python -m pytest -q

# What a stack would create, offline: no AWS account, no credentials (see README, Offline plan).
plan: $(VENV)/.program
	@mkdir -p plan-out
	$(VENV)/bin/python -m offline.plan $(STACK) --graph plan-out/$(STACK).mmd

# Your own stack files (every Pulumi.*.yaml here, committed or not), checked offline.
check-stacks: $(VENV)/.program
	$(VENV)/bin/python -m offline.check

bench: $(VENV)/.dev
	$(VENV)/bin/python -m bench.fleet_bench --suite

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
	cd build/package && venv/bin/python -c "import components.program, components.limits as l; assert l.managed_policy_paths(); print('the installed components import and read their data')"
