# store suites
