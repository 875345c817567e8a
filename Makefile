.PHONY: test lint fmt demo

test:  ## lint, types and the test suite on SQLite and PostgreSQL
	bash scripts/test.sh

lint:  ## ruff check, ruff format --check, mypy
	uv run --frozen ruff check .
	uv run --frozen ruff format --check .
	uv run --frozen mypy

fmt:  ## format and apply safe lint fixes
	uv run --frozen ruff format .
	uv run --frozen ruff check --fix .

demo:  ## init, load the demo data, print a brief
	bash scripts/demo.sh
