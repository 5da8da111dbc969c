# models_ui suites
# The Models page and the first-run welcome against the fake hub (tests/tools/fake_hub.py).
pagoda_add_gui_test(models_page_test desktop/models_page_test.cpp support/tiny_gguf.cpp)
target_link_libraries(models_page_test PRIVATE pagoda_fake_hub)
# The first-run welcome: its proposal and reason, and "Download and start" against the fake hub.
pagoda_add_gui_test(welcome_test desktop/welcome_test.cpp)
target_link_libraries(welcome_test PRIVATE pagoda_fake_hub)
