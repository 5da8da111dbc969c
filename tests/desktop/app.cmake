# app suites: the conversation session and the main window, end to end
pagoda_add_test(chat_session_test desktop/chat_session_test.cpp)
target_link_libraries(chat_session_test PRIVATE pagoda_desktop)
