# store suites: ConversationStore, the message tree, exports and StoreThread (one executable;
# store_thread_test.cpp re-runs it as the writer its kill -9 test kills).
pagoda_add_test(store_test desktop/store_test.cpp desktop/store_thread_test.cpp)
target_link_libraries(store_test PRIVATE pagoda_store)
