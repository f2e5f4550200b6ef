# Conversation design checks: the Rasa data, and the NLU model's quality.

NLU_REPORT := docs/nlu-report.md
NLU_REPORT_JSON := var/nlu-cross-validation.json

.PHONY: validate nlu-report test-nlu

validate: .venv-rasa/.installed ## Check the Rasa domain, rules, stories and NLU data
	$(RASA_PY) -m rasa data validate --fail-on-warnings --domain domain.yml \
	  --data nlu --config config.yml

nlu-report: .venv-rasa/.installed $(SPACY_PIPELINE)/meta.json ## Cross-validate the NLU (5 folds) and write docs/nlu-report.md
	@mkdir -p var
	$(RASA_PY) -m tests.nlu.cross_validation --folds 5 --json $(NLU_REPORT_JSON)
	$(PY) -m tests.nlu.report $(NLU_REPORT_JSON) $(NLU_REPORT)

test-nlu: .venv-rasa/.installed $(SPACY_PIPELINE)/meta.json ## Training-data checks and the NLU quality test
	$(PY) -m pytest -q tests/nlu
