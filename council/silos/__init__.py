"""The council's separate systems of record, simulated.

A council keeps Council Tax, property and waste, housing, benefits and parking
in separate systems, each with its own ids and its own way of writing a name or
an address. This package holds one module of tables per system (its tables
share a prefix: ``ctax_``, ``waste_``, ``housing_``, ``benefits_``,
``parking_``) in the project's database, and the synthetic data that fills
them (:mod:`council.silos.generate`, :mod:`council.silos.seed`).

Nothing here knows who anybody is across systems: that is the single view's
resident index (:mod:`council.single_view`).
"""
