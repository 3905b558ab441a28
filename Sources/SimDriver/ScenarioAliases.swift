// Scenario, UploadCore and NetModel each have a `RetryPolicy`, `BandwidthThrottle` or `CrossTraffic` of their own.
// This file imports only Scenario, so the names below are unambiguous; the rest of SimDriver uses the aliases.
import Scenario

typealias ScenarioRetryPolicy = RetryPolicy
typealias ScenarioThrottle = BandwidthThrottle
typealias ScenarioCrossTraffic = CrossTraffic
typealias ScenarioWeekday = Weekday
