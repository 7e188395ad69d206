"""Events and participation: pure logic shared by services, reports and the command line."""
