# chat_ui suites
pagoda_add_gui_test(chat_widgets_test desktop/chat_widgets_test.cpp)
pagoda_add_gui_test(chat_page_test desktop/chat_page_test.cpp)
# Messages after the window changes width: no answer cut short, the stats line wraps.
pagoda_add_gui_test(chat_layout_test desktop/chat_layout_test.cpp)
