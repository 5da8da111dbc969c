# server_ui suites
