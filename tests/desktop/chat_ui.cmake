# chat_ui suites
pagoda_add_gui_test(chat_widgets_test desktop/chat_widgets_test.cpp)
pagoda_add_gui_test(chat_page_test desktop/chat_page_test.cpp)
