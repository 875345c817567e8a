.PHONY: test lint fmt demo bench

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

bench:  ## event ingest/query benchmark (1M and 10M generated GDELT rows under /tmp; ~10-15 min)
	uv run python benchmarks/events.py --rows 1000000 10000000 --out /tmp/mtbench
