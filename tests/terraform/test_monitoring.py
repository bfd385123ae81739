"""The alarms and the dashboard of terraform/monitoring.tf against spotify_etl.metrics.

Every metric an alarm or the dashboard watches must be one the jobs put (a name of
``metrics.DIMENSIONS``, with one of its dimension sets) in the namespace the jobs get; otherwise
the alarm watches nothing and stays quiet for ever. The freshness alarm is also run through a
model of CloudWatch's rules, hour by hour, so that what README and docs/deploy.md promise (fires
at the deadline, not at midnight, stays in ALARM until a date is published) holds for the
expression Terraform declares.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass

import pytest

from spotify_etl import metrics
from spotify_etl.jobs import WORKFLOW

TOPIC = "${aws_sns_topic.alarms.arn}"
NAMESPACE = "${local.metrics_namespace}"
STATISTICS = {"Sum", "Average", "Minimum", "Maximum", "SampleCount"}
SEARCH_TEMPLATE = """SEARCH('{"%s"%s} MetricName="%s"', '%s', %d)"""
"""The format() template of every dashboard series: the metric schema {namespace[,dimension]}
(the namespace quoted: it holds '/'), the metric name, the statistic and the period
("CloudWatch search expression syntax")."""


def project_alarms(tf) -> dict[str, dict]:
    """The metric alarms on the project's namespace: (name, body)."""
    found = {}
    for name, alarm in tf.resources_of("aws_cloudwatch_metric_alarm").items():
        namespaces = {alarm.get("namespace")} | {
            query["metric"][0]["namespace"] for query in alarm.get("metric_query", []) if "metric" in query
        }
        if NAMESPACE in namespaces:
            found[name] = alarm
    return found


def watched_metric(alarm: dict) -> tuple[str, dict, str, int]:
    """(metric name, dimensions, statistic, period) of a single-metric or metric-math alarm."""
    if "metric_name" in alarm:
        return alarm["metric_name"], alarm.get("dimensions", {}), alarm["statistic"], alarm["period"]
    (query,) = [query for query in alarm["metric_query"] if "metric" in query]
    metric = query["metric"][0]
    return metric["metric_name"], metric.get("dimensions", {}), metric["stat"], metric["period"]


def test_the_namespace_is_the_one_the_jobs_get(tf):
    assert tf.render(tf.local("metrics_namespace")) == "SpotifyETL/spotify-etl-dev"
    assert metrics.NAMESPACE_ARGUMENT == "metrics_namespace"
    for spec in WORKFLOW:
        arguments = tf.local("glue_jobs")[spec.name]["arguments"]
        assert arguments[f"--{metrics.NAMESPACE_ARGUMENT}"] == NAMESPACE, spec.name
    # The extract Lambda's logged problems share the namespace (a log metric filter, not a job).
    transformation = tf.resource("aws_cloudwatch_log_metric_filter", "lambda_logged_problems")
    assert transformation["metric_transformation"][0]["namespace"] == NAMESPACE


def test_every_alarm_on_the_namespace_watches_a_metric_that_is_put(tf):
    """A job metric from metrics.py (without a dimension: ALARMED_METRICS) or the log filter's."""
    filtered = {
        body["metric_transformation"][0]["name"]
        for body in tf.resources_of("aws_cloudwatch_log_metric_filter").values()
    }
    alarmed = set()
    for name, alarm in project_alarms(tf).items():
        metric, dimensions, _, _ = watched_metric(alarm)
        if metric in filtered:
            continue
        assert metric in metrics.DIMENSIONS, f"alarm {name} watches {metric}, which no job puts"
        assert () in metrics.DIMENSIONS[metric], f"alarm {name}: {metric} is not put without a dimension"
        assert not dimensions, f"alarm {name}: {metric} is put without a dimension, so watch it without"
        alarmed.add(metric)
    assert alarmed == set(metrics.ALARMED_METRICS)


@pytest.mark.parametrize(
    ("alarm", "metric"),
    [("volume_warnings", metrics.VOLUME_WARNINGS), ("api_drift_warnings", metrics.API_DRIFT_WARNINGS)],
)
def test_warning_alarms_fire_on_one_warning_of_the_day(tf, alarm, metric):
    body = tf.resource("aws_cloudwatch_metric_alarm", alarm)
    assert body["namespace"] == NAMESPACE
    assert watched_metric(body) == (metric, {}, "Sum", 86400)
    assert body["comparison_operator"] == "GreaterThanOrEqualToThreshold"
    assert body["threshold"] == 1
    assert body["evaluation_periods"] == 1
    # The metric is put only by a run: no run, no warning.
    assert body["treat_missing_data"] == "notBreaching"


def test_every_project_alarm_notifies_the_topic_both_ways(tf):
    alarms = tf.resources_of("aws_cloudwatch_metric_alarm")
    for name in ("freshness", "volume_warnings", "api_drift_warnings"):
        assert name in project_alarms(tf), name
    for name, alarm in project_alarms(tf).items():
        assert alarm["alarm_actions"] == [TOPIC], name
        assert alarm["ok_actions"] == [TOPIC], name
        # The key policy lets only <prefix>-* alarms publish to the encrypted topic.
        assert alarm["alarm_name"].startswith("${local.prefix}-"), name
    assert set(alarms) >= set(project_alarms(tf))


# ---------------------------------------------------------------------------------------------
# Freshness
# ---------------------------------------------------------------------------------------------


def test_the_freshness_alarm_watches_dates_published(tf):
    alarm = tf.resource("aws_cloudwatch_metric_alarm", "freshness")
    assert watched_metric(alarm) == (metrics.DATES_PUBLISHED, {}, "Sum", 86400)
    queries = {query["id"]: query for query in alarm["metric_query"]}
    assert queries["published"]["metric"][0]["namespace"] == NAMESPACE
    assert queries["filled"]["expression"] == "FILL(published, 0)"
    (returned,) = [query for query in alarm["metric_query"] if query.get("return_data")]
    assert returned["id"] == "fresh"
    assert alarm["comparison_operator"] == "LessThanThreshold"
    assert alarm["threshold"] == 1
    assert alarm["evaluation_periods"] == alarm["datapoints_to_alarm"] == 1
    # Missing metric data is breaching through FILL (0 dates); the only points the expression
    # drops are the run's hours before the deadline, in which the alarm keeps its state.
    assert alarm["treat_missing_data"] == "ignore"
    assert tf.variables["freshness_deadline_hour"]["default"] == 9


def hcl_regex(tf, local: str) -> re.Pattern[str]:
    """The pattern of ``regex("...", ...)`` in a local, unescaped from HCL."""
    (pattern,) = re.findall(r'regex\("((?:[^"\\]|\\.)*)"', tf.local(local))
    return re.compile(pattern.replace("\\\\", "\\"))


@pytest.mark.parametrize(
    ("schedule", "hour"),
    [
        ("cron(0 6 * * ? *)", 6),
        ("cron(30 22 * * ? *)", 22),
        ("cron(0 6 ? * * *)", 6),
        ("cron(0 6 ? * MON-FRI *)", None),  # not every day: a weekend would alarm
        ("rate(1 day)", None),  # no fixed hour
        ("at(2026-12-01T06:00:00)", None),
    ],
)
def test_the_run_hour_is_read_from_a_daily_cron_only(tf, schedule, hour):
    match = hcl_regex(tf, "schedule_daily_cron").fullmatch(schedule)
    assert (int(match.group(2)) if match else None) == hour
    assert tf.local("schedule_hour") == (
        "${local.schedule_daily_cron == null ? null : tonumber(local.schedule_daily_cron[1])}"
    )


def test_the_freshness_alarm_refuses_a_schedule_without_a_run_hour(tf):
    conditions = [
        condition["condition"]
        for block in tf.resource("aws_cloudwatch_metric_alarm", "freshness")["lifecycle"]
        for condition in block["precondition"]
    ]
    assert '${local.schedule_hour != null && var.schedule_timezone == "UTC"}' in conditions
    assert "${local.schedule_hour != var.freshness_deadline_hour}" in conditions


_METRIC_MATH = re.compile(r"^[\sA-Za-z0-9_()<>=!.]*$")


def judged_hours_expression(tf, run_hour: int, deadline: int) -> str:
    """local.freshness_judged_hours for these hours: its format() template, filled in."""
    templates = re.findall(r'"(HOUR\(published\)[^"]*)"', tf.local("freshness_judged_hours"))
    assert len(templates) == 2, "one template for a run before the deadline, one for after"
    return templates[0 if run_hour < deadline else 1] % (run_hour, deadline)


def python_condition(expression: str) -> Callable[[int, float], bool]:
    """The metric-math condition as a Python predicate of (HOUR of the point, filled sum)."""
    assert _METRIC_MATH.match(expression), expression
    python = expression.replace("HOUR(published)", "hour").replace(" OR ", " or ").replace(" AND ", " and ")
    code = compile(python, "<freshness alarm>", "eval")
    return lambda hour, filled: bool(eval(code, {"__builtins__": {}}, {"hour": hour, "filled": filled}))


@dataclass
class FreshnessModel:
    """The freshness alarm as CloudWatch evaluates it (User Guide: "Alarm evaluation window",
    "Using math expressions with CloudWatch metrics", "Configuring how CloudWatch alarms treat
    missing data"): every evaluation looks at one data point, the Sum of DatesPublished over the
    ``period`` before now (a sliding window), timestamped at the window's start, so HOUR() is the
    hour the window starts; FILL(published, 0) makes the sum 0 when nothing was put; IF(cond,
    filled) drops the point when ``cond`` is false; a dropped point is missing data."""

    condition: Callable[[int, float], bool]
    period: dt.timedelta
    threshold: float
    treat_missing_data: str

    def transitions(
        self, publishes: list[dt.datetime], start: dt.datetime, end: dt.datetime
    ) -> list[tuple[dt.datetime, str]]:
        state, changes = "INSUFFICIENT_DATA", []
        now = start
        while now <= end:
            window_start = now - self.period
            filled = float(sum(window_start < published <= now for published in publishes))
            if self.condition(window_start.hour, filled):
                new = "ALARM" if filled < self.threshold else "OK"
            else:
                new = {"ignore": state, "breaching": "ALARM", "notBreaching": "OK"}.get(
                    self.treat_missing_data, "INSUFFICIENT_DATA"
                )
            if new != state:
                changes.append((now, new))
                state = new
            now += dt.timedelta(minutes=10)
        return changes


def freshness_model(tf, run_hour: int, deadline: int) -> FreshnessModel:
    alarm = tf.resource("aws_cloudwatch_metric_alarm", "freshness")
    fresh = next(query for query in alarm["metric_query"] if query["id"] == "fresh")["expression"]
    judged = judged_hours_expression(tf, run_hour, deadline)
    expression = fresh.replace("${local.freshness_judged_hours}", judged)
    match = re.fullmatch(r"IF\((.*), filled\)", expression)
    assert match, f"the alarm's expression is no longer IF(condition, filled): {fresh}"
    assert alarm["comparison_operator"] == "LessThanThreshold"
    return FreshnessModel(
        condition=python_condition(match.group(1)),
        period=dt.timedelta(seconds=watched_metric(alarm)[3]),
        threshold=alarm["threshold"],
        treat_missing_data=alarm["treat_missing_data"],
    )


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    """Day ``day`` of a run of days (0 = 2026-11-23), at hour:minute UTC."""
    return dt.datetime(2026, 11, 23 + day, hour, minute)


@pytest.fixture
def default_model(tf) -> FreshnessModel:
    """The defaults: the 06:00 schedule, the 09:00 deadline."""
    schedule = tf.variables["schedule_expression"]["default"]
    run_hour = int(hcl_regex(tf, "schedule_daily_cron").fullmatch(schedule).group(2))
    assert run_hour == 6
    return freshness_model(tf, run_hour, tf.variables["freshness_deadline_hour"]["default"])


def test_freshness_days_that_publish_on_time_never_alarm(default_model):
    publishes = [at(day, 6, 40) for day in range(5)]
    # Not at midnight, not while the next run is in progress (06:00-06:40).
    assert default_model.transitions(publishes, at(0, 7), at(4, 23, 50)) == [(at(0, 7), "OK")]


def test_freshness_a_day_without_a_publish_alarms_at_the_deadline_until_one_comes(default_model):
    publishes = [at(0, 6, 40), at(2, 6, 40)]  # day 1 never published
    assert default_model.transitions(publishes, at(0, 7), at(2, 23, 50)) == [
        (at(0, 7), "OK"),
        (at(1, 9), "ALARM"),
        (at(2, 6, 40), "OK"),  # no OK at midnight or when day 2's run starts: only on a publish
    ]


def test_freshness_a_run_that_publishes_before_the_deadline_does_not_alarm(default_model):
    publishes = [at(0, 6, 40), at(1, 8, 50)]
    assert default_model.transitions(publishes, at(0, 7), at(1, 23, 50)) == [(at(0, 7), "OK")]


def test_freshness_a_publish_after_the_deadline_clears_the_alarm(default_model):
    publishes = [at(0, 6, 40), at(1, 10, 30), at(2, 6, 40)]
    assert default_model.transitions(publishes, at(0, 7), at(2, 23, 50)) == [
        (at(0, 7), "OK"),
        (at(1, 9), "ALARM"),
        (at(1, 10, 30), "OK"),
    ]


def test_freshness_after_a_late_publish_the_alarm_waits_24_hours(default_model):
    """The approximation variables.tf and the docs state: the window is the last 24 hours."""
    publishes = [at(0, 14)]
    assert default_model.transitions(publishes, at(0, 14, 10), at(1, 23, 50)) == [
        (at(0, 14, 10), "OK"),
        (at(1, 14), "ALARM"),  # 24 hours after the publish, not at 09:00
    ]


def test_freshness_before_the_first_publish_the_alarm_is_on(default_model):
    """Right after the first apply nothing was ever published: that is late (docs/deploy.md)."""
    assert default_model.transitions([], at(0, 0), at(0, 23, 50)) == [(at(0, 0), "ALARM")]


def test_freshness_a_run_before_midnight_with_a_deadline_after_it(tf):
    model = freshness_model(tf, run_hour=22, deadline=1)
    publishes = [at(0, 22, 30), at(2, 22, 30)]  # day 1's run never published
    assert model.transitions(publishes, at(0, 23), at(3, 2)) == [
        (at(0, 23), "OK"),
        (at(2, 1), "ALARM"),
        (at(2, 22, 30), "OK"),
    ]


# ---------------------------------------------------------------------------------------------
# Dashboard
# ---------------------------------------------------------------------------------------------


def test_every_dashboard_series_is_a_metric_that_is_put(tf):
    shown = set()
    for graph in tf.local("dashboard_graphs"):
        assert graph["stat"] in STATISTICS, graph["title"]
        for series in graph["series"]:
            metric, dimension = series["metric"], series["dimension"]
            assert metric in metrics.DIMENSIONS, f"{graph['title']}: no job puts {metric}"
            dimensions = (dimension,) if dimension else ()
            assert dimensions in metrics.DIMENSIONS[metric], (
                f"{graph['title']}: {metric} is put with {metrics.DIMENSIONS[metric]}, not {dimensions}"
            )
            shown.add(metric)
    # rows, skipped, quarantined, rule violations, warnings, field presence, durations, dates
    assert shown == set(metrics.DIMENSIONS)


def test_the_dashboard_searches_the_namespace_for_each_series(tf):
    widgets = tf.local("dashboard_widgets")
    assert "for index, graph in local.dashboard_graphs" in widgets
    assert "for position, series in graph.series" in widgets
    (template,) = re.findall(r'format\(\s*"((?:[^"\\]|\\.)*)"', widgets)
    assert template.replace('\\"', '"') == SEARCH_TEMPLATE
    assert (
        'local.metrics_namespace, series.dimension == "" ? "" : ",${series.dimension}", '
        "series.metric, graph.stat, local.dashboard_period" in widgets
    )
    body = tf.resource("aws_cloudwatch_dashboard", "health")["dashboard_body"]
    assert body == '${jsonencode({start = "-P30D", widgets = local.dashboard_widgets})}'
    assert tf.local("dashboard_period") == 86400
    assert tf.render(tf.local("dashboard_name")) == "spotify-etl-dev-health"


def test_the_dashboard_shows_every_alarm(tf):
    shown = set(tf.local("dashboard_alarms"))
    alarms = tf.resources_of("aws_cloudwatch_metric_alarm")
    declared = {f"${{aws_cloudwatch_metric_alarm.{name}.arn}}" for name in alarms}
    assert shown == declared


# ---------------------------------------------------------------------------------------------
# Thresholds and blocking checks
# ---------------------------------------------------------------------------------------------


def test_thresholds_default_to_the_issues_values(tf):
    """Half the trailing 7-date median of songs; a field's share may fall 20 points (issue 18)."""
    assert tf.variables["min_volume_share"]["default"] == 0.5
    assert tf.variables["max_field_share_drop"]["default"] == 0.2
    # Any change of item count under one snapshot_id warns: the same version has the same items.
    assert tf.variables["max_item_count_change"]["default"] == 0


def test_blocking_checks_are_the_checks_the_jobs_meter(tf):
    (validation,) = tf.variables["blocking_checks"]["validation"]
    allowed = re.search(r"contains\(\[([^\]]*)\]", validation["condition"]).group(1)
    names = [name.strip().strip('"') for name in allowed.split(",")]
    assert names == [*metrics.VOLUME_CHECKS, *metrics.API_DRIFT_CHECKS, "all"]
    for name in names:
        assert name in validation["error_message"]
