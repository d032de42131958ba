"""End-to-end tests of `dynalake run`: the checked-in scenarios pass, the
negative ones pass only because the harness reports the defect they
declare, reports come out as JUnit XML and JSON, and bad scenario files are
refused with the field named.

Run by tests/e2e/run; needs DYNALAKE (the binary). Each `run` starts its own
embedded emulators, so the shared server is not used.
"""

import json
import os
import re
import subprocess
import tempfile
import unittest
import xml.etree.ElementTree as ET

DYNALAKE = os.environ.get("DYNALAKE")
ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
SCENARIOS = os.path.join(ROOT, "scenarios")
TIMEOUT = 120


def run(*args):
    return subprocess.run([DYNALAKE, "run", "--quiet", *args],
                          capture_output=True, text=True, timeout=TIMEOUT,
                          cwd=ROOT)


def scenario(name):
    return os.path.join(SCENARIOS, name + ".json")


@unittest.skipUnless(DYNALAKE, "DYNALAKE is not set")
class RunTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self.tmp.cleanup)

    def path(self, name):
        return os.path.join(self.tmp.name, name)

    def run_reports(self, *args):
        junit, js = self.path("junit.xml"), self.path("report.json")
        p = run("--junit", junit, "--json", js, *args)
        with open(js) as f:
            report = json.load(f)
        return p, ET.parse(junit).getroot(), report

    def test_default_suite_passes_with_a_report_per_scenario(self):
        p, junit, report = self.run_reports("scenarios/")
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        files = sorted(f for f in os.listdir(SCENARIOS)
                       if f.endswith(".json"))
        self.assertEqual(len(junit.findall("testsuite")), len(files))
        self.assertEqual(junit.get("failures"), "0")
        self.assertEqual(junit.get("errors"), "0")
        self.assertEqual(report["failed"], 0)
        self.assertEqual(report["passed"], len(files))
        self.assertRegex(p.stdout, r"%d scenarios: %d passed, 0 failed"
                         % (len(files), len(files)))
        names = {s.get("name") for s in junit.findall("testsuite")}
        self.assertIn("streams-to-lake", names)
        suite = [s for s in junit.findall("testsuite")
                 if s.get("name") == "streams-to-lake"][0]
        cases = {c.get("name") for c in suite.findall("testcase")}
        for case in ("pipeline", "landing", "delivery", "lake", "access",
                     "least_privilege role/shipper", "trust role/loader"):
            self.assertIn(case, cases)

    def test_missing_putobject_is_reported_as_a_denial(self):
        p, junit, report = self.run_reports(scenario("missing-putobject"))
        self.assertEqual(p.returncode, 0, p.stdout)
        cases = {c.get("name"): c for c in junit.iter("testcase")}
        case = cases['expect access/denied role/shipper "s3:PutObject"']
        self.assertIsNone(case.find("failure"))
        denied = [f for f in report["scenarios"][0]["findings"]
                  if f["kind"] == "denied"]
        self.assertTrue(denied)
        self.assertTrue(all(f["expected"] for f in denied))
        self.assertIn("role/shipper was denied s3:PutObject on "
                      "arn:aws:s3:::lake/dynamodb-changes/",
                      denied[0]["message"])

    def test_lost_deletes_are_named_by_key_and_sequence(self):
        p, _, report = self.run_reports(scenario("handler-drops-deletes"))
        self.assertEqual(p.returncode, 0, p.stdout)
        lost = [f["message"] for f in report["scenarios"][0]["findings"]
                if f["kind"] == "lost_change"]
        self.assertTrue(lost)
        for m in lost:
            self.assertRegex(m, r"^(TTL )?delete of key \{pk: u#\d+\} at "
                             r"sequence \d+ never reached "
                             r"s3://lake/dynamodb-changes/$")

    def test_a_defect_nobody_expects_fails_the_run(self):
        with open(scenario("handler-drops-deletes")) as f:
            s = json.load(f)
        del s["expect"]
        text = json.dumps(s).replace("../fixtures/",
                                     os.path.join(ROOT, "fixtures") + "/")
        with open(self.path("unexpected.json"), "w") as f:
            f.write(text)
        p, junit, _ = self.run_reports(self.path("unexpected.json"))
        self.assertEqual(p.returncode, 1, p.stdout)
        failures = {c.get("name"): c.find("failure")
                    for c in junit.iter("testcase")}
        self.assertIsNotNone(failures["delivery"])
        self.assertIn("delete of key", failures["delivery"].text)
        self.assertIsNotNone(failures["lake"])
        self.assertIn("but not in the source table",
                      failures["lake"].text)
        self.assertIn("FAIL handler-drops-deletes", p.stdout)

    def test_an_expected_finding_that_does_not_appear_fails(self):
        with open(scenario("streams-to-lake")) as f:
            s = json.load(f)
        s["expect"] = {"findings": [{"check": "delivery",
                                     "kind": "lost_change"}]}
        text = json.dumps(s).replace("../fixtures/",
                                     os.path.join(ROOT, "fixtures") + "/")
        with open(self.path("expects.json"), "w") as f:
            f.write(text)
        p, junit, _ = self.run_reports(self.path("expects.json"))
        self.assertEqual(p.returncode, 1)
        case = [c for c in junit.iter("testcase")
                if c.get("name") == "expect delivery/lost_change"][0]
        self.assertIn("did not report", case.find("failure").get("message"))

    def test_seed_policies_yield_every_defect(self):
        p, _, report = self.run_reports(scenario("seed-policies"))
        self.assertEqual(p.returncode, 0, p.stdout)
        kinds = {f["kind"] for f in report["scenarios"][0]["findings"]}
        self.assertTrue({"dead_grant", "unused_action", "unverified",
                         "broad_resource"} <= kinds, kinds)

    def test_same_seed_same_outcome(self):
        outs = []
        for _ in range(2):
            _, _, report = self.run_reports("--seed", "5",
                                            scenario("streams-to-lake"))
            stats = report["scenarios"][0]["stats"]
            outs.append((report["scenarios"][0]["seed"], stats["changes"],
                         stats["operations"], stats["source items"]))
        self.assertEqual(outs[0], outs[1])
        self.assertEqual(outs[0][0], 5)

    def test_minimal_policies_are_written(self):
        out = self.path("policies")
        p = run("--write-policies", out, scenario("streams-to-lake"))
        self.assertEqual(p.returncode, 0, p.stdout)
        with open(os.path.join(out, "streams-to-lake-shipper.json")) as f:
            doc = json.load(f)
        actions = {a for st in doc["Statement"] for a in st["Action"]}
        self.assertEqual(actions, {"dynamodb:ListStreams",
                                   "dynamodb:DescribeStream",
                                   "dynamodb:GetShardIterator",
                                   "dynamodb:GetRecords", "s3:PutObject"})

    def test_bad_scenario_names_the_field(self):
        with open(self.path("bad.json"), "w") as f:
            f.write('{"workload": {"table": "orders"}}')
        p, junit, _ = self.run_reports(self.path("bad.json"))
        self.assertEqual(p.returncode, 1)
        self.assertIn("workload.table: no table named \"orders\" in tables",
                      p.stdout)
        self.assertEqual(junit.get("errors"), "1")

    def findings(self, name):
        p, _, report = self.run_reports(scenario(name))
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        return report["scenarios"][0]

    def test_python_handler_through_lambda_run_passes_clean(self):
        s = self.findings("handler-python-correct")
        self.assertEqual(s["findings"], [])
        self.assertGreater(s["stats"]["changes"], 0)
        self.assertEqual(s["stats"]["landed"], s["stats"]["changes"])
        self.assertEqual(s["stats"]["source items"], s["stats"]["lake items"])

    def test_python_handler_dropping_removes_loses_deletes_by_key(self):
        s = self.findings("handler-python-drops-removes")
        lost = [f for f in s["findings"] if f["kind"] == "lost_change"]
        self.assertTrue(lost)
        for f in lost:
            self.assertTrue(f["expected"])
            self.assertRegex(f["message"], r"^(TTL )?delete of key \{pk: "
                             r"u#\d+\} at sequence \d+ never reached "
                             r"s3://lake/dynamodb-changes/$")
        self.assertTrue(any(f["kind"] == "extra_row" for f in s["findings"]))
        self.assertTrue(all(f["expected"] for f in s["findings"]))

    def test_python_handler_failing_on_decimal_is_a_function_error(self):
        s = self.findings("handler-python-decimal")
        errors = [f for f in s["findings"] if f["kind"] == "function_error"]
        self.assertEqual(len(errors), 1)
        self.assertEqual(errors[0]["subject"], "lambda")
        self.assertIn("TypeError: Object of type Decimal is not JSON "
                      "serializable", errors[0]["message"])
        gave_up = [f for f in s["findings"] if f["kind"] == "discarded"]
        self.assertIn("s3://lake/esm-failures/", gave_up[0]["message"])
        self.assertEqual(s["stats"]["landed"], 0)
        self.assertEqual(s["stats"]["lost"], s["stats"]["changes"])
        self.assertTrue(all(f["expected"] for f in s["findings"]))

    def test_polling_names_each_delete_a_scan_cannot_see(self):
        s = self.findings("polling")
        unseen = [f for f in s["findings"] if f["kind"] == "unseen_delete"]
        self.assertTrue(unseen)
        for f in unseen:
            self.assertRegex(f["message"], r"^delete of key \{pk: u#\d+\} "
                             r"never reached s3://lake/polled/ ")
            self.assertIn("a Scan cannot see deletes", f["message"])
        ghosts = {f["subject"] for f in s["findings"]
                  if f["kind"] == "extra_row"}
        self.assertEqual(ghosts, {f["subject"] for f in unseen})
        self.assertTrue(all(f["expected"] for f in s["findings"]))

    def test_polling_limit_fails_a_scenario_that_does_not_expect_it(self):
        with open(scenario("polling")) as f:
            s = json.load(f)
        del s["expect"]
        text = json.dumps(s).replace("../fixtures/",
                                     os.path.join(ROOT, "fixtures") + "/")
        with open(self.path("polling.json"), "w") as f:
            f.write(text)
        p, junit, _ = self.run_reports(self.path("polling.json"))
        self.assertEqual(p.returncode, 1, p.stdout)
        failures = {c.get("name"): c.find("failure")
                    for c in junit.iter("testcase")}
        self.assertIn("a Scan cannot see deletes", failures["delivery"].text)

    def assert_clean(self, s):
        self.assertEqual(s["findings"], [])
        self.assertGreater(s["stats"]["changes"], 0)
        self.assertEqual(s["stats"]["landed"], s["stats"]["changes"])
        self.assertEqual(s["stats"]["lost"], 0)
        self.assertEqual(s["stats"]["source items"], s["stats"]["lake items"])

    def test_shard_rollover_is_followed_through_lineage(self):
        s = self.findings("faults-shard-rollover")
        self.assert_clean(s)
        self.assertEqual(s["stats"]["duplicates"], 0)
        # Shards close every 25 records: the changes span many of them.
        self.assertGreater(s["stats"]["changes"], 4 * 25)

    def test_expired_iterators_are_renewed_without_loss(self):
        s = self.findings("faults-iterator-expiry")
        self.assert_clean(s)
        self.assertEqual(s["stats"]["duplicates"], 0)

    def test_shipper_restarted_midstream_resumes_from_its_checkpoint(self):
        with open(scenario("faults-restart-midstream")) as f:
            steps = json.load(f)["pipeline"]
        ships = [st for st in steps if st["step"] == "ship"]
        self.assertEqual([st.get("at") for st in ships], [0.5, None])
        self.assertEqual(len({st["name"] for st in ships}), 1)
        s = self.findings("faults-restart-midstream")
        self.assert_clean(s)
        self.assertEqual(s["stats"]["duplicates"], 0)

    def test_bisect_gives_up_exactly_the_poison_record(self):
        s = self.findings("faults-handler-bisect")
        self.assertTrue(all(f["expected"] for f in s["findings"]))
        kinds = sorted(f["kind"] for f in s["findings"])
        self.assertEqual(kinds, ["discarded", "function_error",
                                 "lost_change", "missing_row"])
        by_kind = {f["kind"]: f for f in s["findings"]}
        self.assertIn("poison key pk=u#0", by_kind["function_error"]["message"])
        self.assertIn("gave up 1 stream records", by_kind["discarded"]["message"])
        self.assertIn("s3://lake/esm-failures/", by_kind["discarded"]["message"])
        self.assertRegex(by_kind["lost_change"]["message"],
                         r"^insert of key \{pk: u#0\} at sequence \d+ never "
                         r"reached s3://lake/dynamodb-changes/$")
        self.assertEqual(s["stats"]["lost"], 1)
        self.assertEqual(s["stats"]["landed"], s["stats"]["changes"] - 1)

    def test_export_equals_the_table_at_export_time(self):
        s = self.findings("export")
        self.assertEqual(s["findings"], [])
        self.assertGreater(s["stats"]["source items"], 0)
        self.assertEqual(s["stats"]["source items"], s["stats"]["lake items"])

    def test_new_step_options_are_checked(self):
        with open(scenario("handler-python-correct")) as f:
            s = json.load(f)
        s["pipeline"][0]["options"]["batch_size"] = 0
        text = json.dumps(s).replace("../fixtures/",
                                     os.path.join(ROOT, "fixtures") + "/")
        with open(self.path("bad-esm.json"), "w") as f:
            f.write(text)
        p = run(self.path("bad-esm.json"))
        self.assertEqual(p.returncode, 1)
        self.assertIn("pipeline[0].options.batch_size: expected an integer "
                      "from 1 to 10000, got 0", p.stdout)

    def test_usage_errors_exit_2(self):
        self.assertEqual(run().returncode, 2)
        self.assertEqual(run("--scale", "0", "scenarios/").returncode, 2)


if __name__ == "__main__":
    unittest.main()
