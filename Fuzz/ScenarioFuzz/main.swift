import FuzzDriver

runLibFuzzer { data, size in testOneInput(data, size) }
