# models_ui suites
