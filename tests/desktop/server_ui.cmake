# server_ui suites: the Settings page (engine estimate, apply and reload), the Server page
# (the API switch over real sockets) and the status panel, on the real services.
pagoda_add_gui_test(settings_server_test desktop/settings_server_test.cpp)
# The tray icon's menu: model and API state, the API switch, New chat (no tray needed).
pagoda_add_gui_test(tray_menu_test desktop/tray_menu_test.cpp)
