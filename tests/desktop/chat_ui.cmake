# chat_ui suites
