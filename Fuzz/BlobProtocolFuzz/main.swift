import FuzzDriver

runLibFuzzer { data, size in fuzzOneInput(fuzzInput(data, size)) }
