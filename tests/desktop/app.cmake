# app suites: the conversation session and the main window, end to end
pagoda_add_test(chat_session_test desktop/chat_session_test.cpp)
target_link_libraries(chat_session_test PRIVATE pagoda_desktop)
pagoda_add_gui_test(main_window_test desktop/main_window_test.cpp)
target_compile_definitions(main_window_test PRIVATE PAGODA_EXECUTABLE="$<TARGET_FILE:pagoda>")
add_dependencies(main_window_test pagoda)

# Not a test: renders the pages to PNGs for the README (scripts/screenshots.sh).
add_executable(screenshot_tour desktop/screenshot_tour.cpp)
target_link_libraries(screenshot_tour PRIVATE pagoda_test_support pagoda_ui Qt6::Test)
pagoda_add_gui_test(first_chat_test desktop/first_chat_test.cpp)
target_link_libraries(first_chat_test PRIVATE pagoda_fake_hub)
pagoda_add_gui_test(translations_test desktop/translations_test.cpp)
# Every page at 1280x720 and 1366x768 less a panel, in English and again in Chinese.
pagoda_add_gui_test(laptop_fit_test desktop/laptop_fit_test.cpp)
add_test(NAME laptop_fit_test_zh_CN COMMAND ${CMAKE_COMMAND} -E env PAGODA_TEST_LANGUAGE=zh_CN QT_QPA_PLATFORM=offscreen
    XDG_CONFIG_HOME=${CMAKE_CURRENT_BINARY_DIR}/xdg/laptop_fit_test_zh_CN/config
    XDG_DATA_HOME=${CMAKE_CURRENT_BINARY_DIR}/xdg/laptop_fit_test_zh_CN/data
    XDG_CACHE_HOME=${CMAKE_CURRENT_BINARY_DIR}/xdg/laptop_fit_test_zh_CN/cache
    $<TARGET_FILE:laptop_fit_test>)

# The demo model the build copies to share/pagoda/demo-model, through the app's own path.
pagoda_add_gui_test(demo_model_test desktop/demo_model_test.cpp)
target_compile_definitions(demo_model_test PRIVATE PAGODA_DEMO_MODEL_DIR="${PROJECT_BINARY_DIR}/share/pagoda/demo-model")
add_dependencies(demo_model_test pagoda_demo_model)
# Light and dark: palettes, following the desktop, code and chart colours, a dark window.
pagoda_add_gui_test(theme_test desktop/theme_test.cpp)
# Restart after a language change: the replacement's command and the single-instance hand-over.
pagoda_add_test(app_restart_test desktop/app_restart_test.cpp)
target_link_libraries(app_restart_test PRIVATE pagoda_desktop)
# The window by keyboard: every shortcut, the shortcuts panel, and a Tab order that changes nothing.
pagoda_add_gui_test(keyboard_test desktop/keyboard_test.cpp)
# Accessible names on every control of every page and panel.
pagoda_add_gui_test(accessibility_test desktop/accessibility_test.cpp)
