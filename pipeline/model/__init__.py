"""The tagger and everything that trains, evaluates and documents it.

- :mod:`~pipeline.model.tagger`: the :class:`Tagger`, loading and saving it, ``hrdc classify``'s records;
- :mod:`~pipeline.model.element_model`: the :class:`ElementModel` that reads RDR's element questions, learned from RDR's quotes;
- :mod:`~pipeline.model.attributes`: future-commitment and negative-statement rules;
- :mod:`~pipeline.model.datasets`: loaders of the labelled data sets (AIMS, RDR quotes, OPP-115, our labels);
- :mod:`~pipeline.model.training_config`: training configurations (``configs/*.yaml``);
- :mod:`~pipeline.model.training_set`: labelled rows as label and weight matrices over criteria;
- :mod:`~pipeline.model.train`: ``hrdc train``, a model folder from a config;
- :mod:`~pipeline.model.model_card`: ``MODEL_CARD.md`` of a model folder;
- :mod:`~pipeline.model.metrics`: F1 and ratios with bootstrap intervals over groups;
- :mod:`~pipeline.model.benchmarks`: the tagger on labelled data sets against a baseline;
- :mod:`~pipeline.model.evidence_precision`: whether the quotes shown are the ones experts chose;
- :mod:`~pipeline.model.realdocs`: hrdc's RDR scores on real policies against RDR's;
- :mod:`~pipeline.model.evaluate`, :mod:`~pipeline.model.evaluation_table`: ``hrdc evaluate``;
- :mod:`~pipeline.model.review`: ``hrdc review``, uncertain tags out, corrections in.
"""
