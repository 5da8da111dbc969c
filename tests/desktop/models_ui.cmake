# models_ui suites
# The Models page and the first-run welcome against the fake hub (tests/tools/fake_hub.py).
pagoda_add_gui_test(models_page_test desktop/models_page_test.cpp)
target_link_libraries(models_page_test PRIVATE pagoda_fake_hub)
