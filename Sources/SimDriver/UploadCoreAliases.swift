// See ScenarioAliases.swift: this file imports only UploadCore, so these names mean UploadCore's.
import UploadCore

typealias CoreRetryPolicy = RetryPolicy
typealias CoreThrottle = BandwidthThrottle
