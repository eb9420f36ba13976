"""The pure domain of information sharing agreements: model, vocabulary, checker and lint."""
