# server_ui suites: the Settings page (engine estimate, apply and reload), the Server page
# (the API switch over real sockets) and the status panel, on the real services.
pagoda_add_gui_test(settings_server_test desktop/settings_server_test.cpp)
