# Two commands to know: `make up STACK=dev` deploys a stack, `make test` runs the tests.
STACK ?= dev
VENV ?= venv
PYTHON ?= python3
# A local state backend needs no account; the path must be absolute (see README, State).
BACKEND ?= file://$(HOME)/.pulumi-eks-pod-identity

.PHONY: test login up preview destroy policy-preview plan bench

$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -r requirements.txt
	touch $@

test: $(VENV)/.installed
	$(VENV)/bin/python -m pytest -q

# What a stack would create, offline: no AWS account, no credentials (see README, Offline plan).
plan: $(VENV)/.installed
	@mkdir -p plan-out
	$(VENV)/bin/python -m offline.plan $(STACK) --graph plan-out/$(STACK).mmd

bench: $(VENV)/.installed
	$(VENV)/bin/python -m bench.fleet_bench --suite

# Log in to PULUMI_BACKEND_URL if set, else to the local file backend; create the stack if new.
login:
	@pulumi whoami >/dev/null 2>&1 || pulumi login "$${PULUMI_BACKEND_URL:-$(BACKEND)}"

up: $(VENV)/.installed login
	pulumi stack select --create $(STACK)
	pulumi up --stack $(STACK)

preview: $(VENV)/.installed login
	pulumi stack select --create $(STACK)
	pulumi preview --stack $(STACK)

destroy: login
	pulumi destroy --stack $(STACK)

policypack/venv/.installed: policypack/requirements.txt
	$(PYTHON) -m venv policypack/venv
	policypack/venv/bin/pip install --quiet -r policypack/requirements.txt
	touch $@

policy-preview: $(VENV)/.installed policypack/venv/.installed login
	pulumi stack select --create $(STACK)
	pulumi preview --stack $(STACK) --policy-pack policypack
