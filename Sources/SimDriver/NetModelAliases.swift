// See ScenarioAliases.swift: this file imports only NetModel, so `CrossTraffic` means NetModel's.
import NetModel

typealias NetCrossTraffic = CrossTraffic
