//! The `stocktake` command as a user drives it, on SQLite and PostgreSQL:
//! real council data in, figures a user could check by hand out.

use crate::support;

use std::collections::BTreeMap;
use std::fmt::Write;

use support::{csv_rows, data, databases, row};

/// England's current councils from the real lookup: country > region >
/// upper tier > district (a unitary authority is an upper tier with no
/// districts below).
fn england_org_units() -> String {
    let mut out = String::from("code,name,level,parent_code\nE92000001,England,country,\n");
    let mut seen = std::collections::HashSet::new();
    let mut reader = csv::Reader::from_path(data("la_hierarchy.csv")).unwrap();
    for r in reader.deserialize::<BTreeMap<String, String>>() {
        let r = r.unwrap();
        if r["CTRYCD"] != "E92000001" || r["Current"] != "TRUE" {
            continue;
        }
        let mut put = |code: &str, name: &str, level: &str, parent: &str| {
            if seen.insert(code.to_owned()) {
                let mut w = csv::Writer::from_writer(vec![]);
                w.write_record([code, name, level, parent]).unwrap();
                out.push_str(&String::from_utf8(w.into_inner().unwrap()).unwrap());
            }
        };
        put(&r["RGNCD"], &r["RGNNM"], "region", "E92000001");
        put(&r["UTLACD"], &r["UTLANM"], "upper tier", &r["RGNCD"]);
        if r["LADCD"] != r["UTLACD"] {
            put(&r["LADCD"], &r["LADNM"], "district", &r["UTLACD"]);
        }
    }
    out
}

const NI192: &str = "code,title,kind,polarity,frequency,unit,factor,decimals,set\n\
NI192,Household waste sent for reuse recycling and composting,ratio,higher_is_better,year,%,100,1,National Indicators\n";

/// The published recycling rates of English councils in the hierarchy, as a
/// values file: the rate alone, since the source gives no tonnages.
fn recycling_values(units: &str) -> (String, BTreeMap<(String, String), f64>) {
    let known: std::collections::HashSet<String> = units
        .lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap().to_owned())
        .collect();
    let mut out = String::from("indicator,org_unit,period,value\n");
    let mut rates = BTreeMap::new();
    let mut reader = csv::Reader::from_path(data("household_waste_recycling_rate.csv")).unwrap();
    for r in reader.deserialize::<BTreeMap<String, String>>() {
        let r = r.unwrap();
        // The file mixes Scottish calendar years ("2019") with financial
        // years, and marks a missing return "NA": only English councils'
        // published financial-year rates belong here.
        let value = r["value"].trim();
        if !known.contains(&r["area_code"])
            || !r["period"].contains('/')
            || value.is_empty()
            || value == "NA"
        {
            continue;
        }
        writeln!(
            out,
            "NI192,{},{},{}",
            r["area_code"], r["period"], r["value"]
        )
        .unwrap();
        rates.insert(
            (r["area_code"].clone(), r["period"].clone()),
            r["value"].parse::<f64>().unwrap(),
        );
    }
    (out, rates)
}

#[test]
fn real_recycling_rates_import_under_the_real_hierarchy() {
    for db in databases() {
        let units = england_org_units();
        db.import("org-units", &units);
        db.import("indicators", NI192);
        let (values, rates) = recycling_values(&units);
        db.import("values", &values);

        // Nottingham's own published rate comes back as entered.
        let nottingham = rates[&("E06000018".to_owned(), "2023/24".to_owned())];
        let out = db.ok(&[
            "rollup",
            "--indicator",
            "NI192",
            "--period",
            "2023/24",
            "--level",
            "upper tier",
            "--format",
            "csv",
        ]);
        let rows = csv_rows(&out);
        assert_eq!(
            rows[0],
            [
                "org_unit",
                "name",
                "level",
                "value",
                "numerator",
                "denominator",
                "note",
                "approved"
            ]
        );
        let notts = row(&rows, "E06000018");
        assert_eq!(notts[1], "Nottingham");
        assert_eq!(
            notts[3].parse::<f64>().unwrap(),
            (nottingham * 10.0).round() / 10.0,
            "[{}]",
            db.name
        );

        // A region cannot be computed from rates alone, and says why rather than averaging.
        let out = db.ok(&[
            "rollup",
            "--indicator",
            "NI192",
            "--period",
            "2023/24",
            "--level",
            "region",
            "--format",
            "csv",
        ]);
        let rows = csv_rows(&out);
        assert_eq!(rows.len(), 10, "nine regions and a header");
        let east_midlands = row(&rows, "E12000004");
        assert_eq!(east_midlands[3], "", "[{}] no averaged value", db.name);
        assert!(
            east_midlands[6].contains("given without numerator and denominator"),
            "[{}] {}",
            db.name,
            east_midlands[6]
        );

        // A county is rolled up from its districts' values: not computable either.
        let out = db.ok(&[
            "rollup",
            "--indicator",
            "NI192",
            "--period",
            "2023/24",
            "--format",
            "json",
        ]);
        let json: serde_json::Value = serde_json::from_str(&out).unwrap();
        let rows = json["rows"].as_array().unwrap();
        assert!(rows.len() > 300, "every English unit is listed");
        let notts_county = rows.iter().find(|r| r["org_unit"] == "E10000024").unwrap();
        assert_eq!(notts_county["value"], serde_json::Value::Null);
    }
}

/// Deterministic ward figures: population between 4,000 and 12,000, a few fires a month.
fn ward_parts(ward: usize, month: usize) -> (u64, u64) {
    let population = 4_000 + (ward as u64 * 7_919) % 8_000;
    let fires = (ward as u64 * 31 + month as u64 * 17) % 9;
    (fires, population)
}

#[test]
fn ward_ratios_roll_up_to_district_region_and_country_by_summing_parts() {
    for db in databases() {
        // Country > region > district > ward, for Nottinghamshire's wards.
        let mut units = String::from(
            "code,name,level,parent_code\nE92000001,England,country,\nE12000004,East Midlands,region,E92000001\n",
        );
        let mut wards: Vec<(String, String)> = Vec::new();
        let mut districts = BTreeMap::new();
        for r in csv::Reader::from_path(data("wards_nottinghamshire.csv"))
            .unwrap()
            .records()
        {
            let r = r.unwrap();
            districts.insert(r[2].to_owned(), r[3].to_owned());
            wards.push((r[0].to_owned(), r[2].to_owned()));
            writeln!(units, "{},\"{}\",ward,{}", &r[0], &r[1], &r[2]).unwrap();
        }
        for (code, name) in &districts {
            writeln!(units, "{code},{name},district,E12000004").unwrap();
        }
        db.import("org-units", &units);
        db.import(
            "indicators",
            "code,title,kind,polarity,frequency,unit,factor,decimals,denominator_over_periods\n\
             PF,Primary fires per 10000 population,ratio,lower_is_better,month,per 10000 population,10000,2,latest\n",
        );
        let months = ["2024-04", "2024-05", "2024-06"];
        let mut values = String::from("indicator,org_unit,period,numerator,denominator\n");
        for (i, (ward, _)) in wards.iter().enumerate() {
            for (m, month) in months.iter().enumerate() {
                let (fires, population) = ward_parts(i, m);
                writeln!(values, "PF,{ward},{month},{fires},{population}").unwrap();
            }
        }
        db.import("values", &values);

        // By hand: sum the wards' numerators and denominators.
        let sums = |filter: &dyn Fn(&str) -> bool, m: usize| {
            wards
                .iter()
                .enumerate()
                .filter(|(_, (_, d))| filter(d))
                .fold((0u64, 0u64), |(n, d), (i, _)| {
                    let (f, p) = ward_parts(i, m);
                    (n + f, d + p)
                })
        };
        let out = db.ok(&[
            "rollup",
            "--indicator",
            "PF",
            "--period",
            "2024-05",
            "--format",
            "csv",
        ]);
        let rows = csv_rows(&out);
        for (code, filter) in [
            (
                "E07000170",
                &(|d: &str| d == "E07000170") as &dyn Fn(&str) -> bool,
            ),
            ("E06000018", &|d: &str| d == "E06000018"),
            ("E12000004", &|_: &str| true),
            ("E92000001", &|_: &str| true),
        ] {
            let (n, d) = sums(filter, 1);
            let r = row(&rows, code);
            assert_eq!(r[4], n.to_string(), "[{}] numerator of {code}", db.name);
            assert_eq!(r[5], d.to_string(), "[{}] denominator of {code}", db.name);
            let expected = (n as f64 / d as f64 * 10_000.0 * 100.0).round() / 100.0;
            assert_eq!(
                r[3].parse::<f64>().unwrap(),
                expected,
                "[{}] value of {code}",
                db.name
            );
            assert!(r[6].starts_with("rolled up from"), "[{}] {}", db.name, r[6]);
        }

        // The quarter adds three months of fires over the latest population.
        let out = db.ok(&[
            "rollup",
            "--indicator",
            "PF",
            "--period",
            "2024/25 Q1",
            "--level",
            "country",
            "--format",
            "csv",
        ]);
        let rows = csv_rows(&out);
        let fires: u64 = (0..3).map(|m| sums(&|_| true, m).0).sum();
        let population = sums(&|_| true, 2).1;
        assert_eq!(row(&rows, "E92000001")[4], fires.to_string());
        assert_eq!(row(&rows, "E92000001")[5], population.to_string());
    }
}

#[test]
fn a_file_with_bad_lines_writes_nothing_and_names_every_bad_line() {
    for db in databases() {
        db.import(
            "org-units",
            "code,name,level,parent_code\nD1,Ashfield,district,\nD2,Bassetlaw,district,\n",
        );
        db.import(
            "indicators",
            "code,title,kind,polarity,frequency,factor,decimals\n\
             R,Recycling rate,ratio,higher_is_better,year,100,1\n\
             F,Fires,count,lower_is_better,month,,0\n",
        );
        let bad = db.file(
            "bad.csv",
            "indicator,org_unit,period,value,numerator,denominator\n\
             R,D1,2023/24,,30,100\n\
             R,D2,2023/24,35,98,300\n\
             R,NOPE,2023/24,30,,\n\
             R,D1,2023-05,30,,\n\
             F,D1,2023-05,many,,\n\
             X,D1,2023/24,1,,\n\
             R,D1,2023/24,,30,100\n\
             F,D2,2024/26,4,,\n\
             F,D2,2024-01,4,,\n",
        );
        let err = db.fails(&["import", "values", &bad]);
        for expected in [
            "line 3, column value: value 35 disagrees with numerator 98 / denominator 300 x 100 = 32.67",
            "line 4, column org_unit: unknown organisation unit NOPE",
            "line 5, column period: 2023-05 is a month but R is collected by year",
            "line 6, column value: \"many\" is not a number",
            "line 7, column indicator: unknown indicator X",
            "line 8: duplicate: line 2 already gives R for D1 in 2023/24",
            "line 9, column period: period \"2024/26\" is not a financial year",
            "nothing was written",
        ] {
            assert!(
                err.contains(expected),
                "[{}] missing {expected:?} in:\n{err}",
                db.name
            );
        }
        assert!(
            !err.contains("line 2,") && !err.contains("line 10"),
            "good lines are not reported:\n{err}"
        );

        // Nothing at all was written, not even the good lines.
        let exported = db.ok(&["export", "values"]);
        assert_eq!(
            exported.trim(),
            "indicator,org_unit,period,value,numerator,denominator,note"
        );
    }
}

#[test]
fn unknown_parents_and_cycles_are_named_by_line() {
    for db in databases() {
        let bad = db.file(
            "units.csv",
            "code,name,level,parent_code\nA,Alpha,x,B\nB,Beta,x,A\nC,Gamma,x,MISSING\n,Nameless,x,\n",
        );
        let err = db.fails(&["import", "org-units", &bad]);
        assert!(
            err.contains("line 4, column parent_code: unit C names parent MISSING"),
            "{err}"
        );
        assert!(
            err.contains("is its own ancestor (A > B > A)") || err.contains("(B > A > B)"),
            "{err}"
        );
        assert!(err.contains("line 5, column code: code is blank"), "{err}");
        assert_eq!(
            db.ok(&["export", "org-units"]).trim(),
            "code,name,level,parent_code"
        );
    }
}

#[test]
fn unknown_and_missing_columns_are_errors() {
    for db in databases() {
        let bad = db.file("i.csv", "code,title,kind,colour\nA,B,count,red\n");
        let err = db.fails(&["import", "indicators", &bad]);
        assert!(
            err.contains("line 1, column colour: unknown column \"colour\""),
            "{err}"
        );
        assert!(err.contains("required column polarity is missing"), "{err}");
        assert!(
            err.contains("required column frequency is missing"),
            "{err}"
        );
    }
}

#[test]
fn export_after_import_gives_back_the_same_rows() {
    for db in databases() {
        let files = [
            (
                "org-units",
                "code,name,level,parent_code\nE,England,country,\nR,\"East Midlands, the\",region,E\nD,Ashfield,district,R\n",
            ),
            (
                "groups",
                "group,member,group_name\nFAM,D,Family group\nFAM,R,Family group\n",
            ),
            (
                "indicators",
                "code,title,kind,polarity,frequency,unit,factor,decimals,owner,description,set,denominator_over_periods\n\
                 R1,Recycling,ratio,higher_is_better,year,%,100,1,Head of Waste,\"Share of waste, recycled\",National,\n\
                 W1,Weekly cost,ratio,lower_is_better,month,£,1000/52,2,,,Local,latest\n\
                 C1,Fires,count,lower_is_better,quarter,fires,,0,,,Local,\n",
            ),
            (
                "values",
                "indicator,org_unit,period,value,numerator,denominator,note\n\
                 C1,D,2024/25 Q1,12,,,\n\
                 R1,D,2023/24,32.7,327,1000,\"Up, after the new food waste round\"\n\
                 R1,R,2023/24,41.5,,,\n\
                 W1,D,2025-01,961.54,2600,52,\n",
            ),
            (
                "targets",
                "indicator,org_unit,period,target,tolerance\nC1,D,2024/25,40,5\nR1,D,2023/24,35,0\n",
            ),
            (
                "applies",
                "indicator,level,under\nC1,district,R\nR1,district,\nR1,region,E\n",
            ),
        ];
        for (kind, contents) in files {
            db.import(kind, contents);
        }
        for (kind, contents) in files {
            let exported = db.ok(&["export", kind]);
            let mut expected: Vec<String> = contents.lines().map(str::to_owned).collect();
            let mut got: Vec<String> = exported.lines().map(str::to_owned).collect();
            expected[1..].sort();
            got[1..].sort();
            assert_eq!(got, expected, "[{}] {kind}", db.name);
        }
        // And exported files import again unchanged.
        let path = db.file("again.csv", &db.ok(&["export", "values"]));
        db.ok(&["import", "values", &path]);
    }
}

#[test]
fn scorecard_judges_status_direction_and_year_to_date() {
    for db in databases() {
        db.import("org-units", "code,name,level,parent_code\nS,Service,service,\nA,Station A,station,S\nB,Station B,station,S\n");
        db.import(
            "indicators",
            "code,title,kind,polarity,frequency,decimals,set\n\
             FIRES,Primary fires,count,lower_is_better,month,0,Fire\n\
             SAT,Satisfaction,mean,higher_is_better,month,1,Fire\n",
        );
        let mut values = String::from("indicator,org_unit,period,value,note\n");
        // Last year: 10 fires a month at each station; this year 8 at A, 9 at B,
        // and January a bad month at A.
        for month in [
            "2023-04", "2023-05", "2023-06", "2023-07", "2023-08", "2023-09", "2023-10", "2023-11",
            "2023-12", "2024-01",
        ] {
            writeln!(values, "FIRES,A,{month},10,\nFIRES,B,{month},10,").unwrap();
        }
        for month in [
            "2024-04", "2024-05", "2024-06", "2024-07", "2024-08", "2024-09", "2024-10", "2024-11",
            "2024-12",
        ] {
            writeln!(values, "FIRES,A,{month},8,\nFIRES,B,{month},9,").unwrap();
        }
        values.push_str(
            "FIRES,A,2025-01,20,\"Spate of deliberate fires, now patrolled\"\nFIRES,B,2025-01,9,\n",
        );
        values.push_str("SAT,A,2025-01,80,\nSAT,B,2025-01,90,\n");
        db.import("values", &values);
        // Annual target 200 fires for the service: profiled to 10 months = 166.7.
        db.import("targets", "indicator,org_unit,period,target,tolerance\nFIRES,S,2024/25,200,10\nFIRES,A,2025-01,10,10\nSAT,S,2025-01,90,5\n");

        let out = db.ok(&[
            "scorecard",
            "--unit",
            "S",
            "--period",
            "2025-01",
            "--format",
            "csv",
        ]);
        let rows = csv_rows(&out);
        let fires = row(&rows, "FIRES");
        assert_eq!(fires[3], "29", "January: 20 + 9");
        // Year to date: 9 x 17 + 29 = 182 against 166.7, within 10%: amber.
        assert_eq!(fires[13], "182");
        assert_eq!(fires[14], "200", "same period last year: 10 months x 20");
        assert_eq!(fires[15], "-9.0", "a 9% decrease");
        assert_eq!(
            fires[6], "167",
            "the annual 200 profiled to 10 months, shown to 0 decimals"
        );
        assert_eq!(
            fires[7], "year_to_date",
            "an annual target judges the year to date"
        );
        assert_eq!(fires[8], "amber");
        assert_eq!(
            fires[9], "worsening",
            "29 fires in January against 17 in December"
        );
        assert_eq!(fires[10], "worsening", "29 fires against 20 last January");
        let satisfaction = row(&rows, "SAT");
        assert_eq!(satisfaction[3], "85", "a plain mean of 80 and 90");
        assert_eq!(satisfaction[8], "red", "85 misses 90 by more than 5%");
        assert!(
            satisfaction[16].contains("a plain mean"),
            "{}",
            satisfaction[16]
        );

        // Station A: its own January target, missed badly, with the owner's commentary.
        let out = db.ok(&[
            "scorecard",
            "--unit",
            "A",
            "--period",
            "2025-01",
            "--format",
            "json",
        ]);
        let card: serde_json::Value = serde_json::from_str(&out).unwrap();
        let fires = card["rows"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["indicator"] == "FIRES")
            .unwrap();
        assert_eq!(fires["status"], "red");
        assert_eq!(fires["value"], 20.0);
        assert_eq!(
            fires["commentary"],
            "Spate of deliberate fires, now patrolled"
        );
        assert_eq!(card["counts"]["red"], 1);

        // The table a person reads says it in words, not colour.
        let table = db.ok(&["scorecard", "--unit", "S", "--period", "2025-01"]);
        assert!(table.contains("Near target"), "{table}");
        assert!(table.contains("Worsening"), "{table}");
        assert!(table.contains("-9.0%"), "{table}");
    }
}

/// Every setting is shown with where its value came from: a flag beats the
/// environment, which beats the file, which beats the default; the database
/// password never shows.
#[test]
fn config_shows_each_setting_and_where_it_came_from() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("stocktake.toml");
    std::fs::write(
        &file,
        "database_url = \"postgres://app:s3cret@db.example/stocktake\"\nbind = \"0.0.0.0:9000\"\nstable_band = 4\n",
    )
    .unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_stocktake"))
        .args([
            "--config",
            file.to_str().unwrap(),
            "--stable-band",
            "3",
            "config",
        ])
        .env("STOCKTAKE_UPLOAD_LIMIT_MIB", "16")
        .env("STOCKTAKE_BIND", "127.0.0.1:9001")
        .env_remove("STOCKTAKE_DATABASE_URL")
        .env_remove("STOCKTAKE_CONFIG")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    let line = |key: &str| {
        text.lines()
            .find(|l| l.starts_with(&format!("{key} = ")))
            .unwrap_or_else(|| panic!("no {key} in:\n{text}"))
            .to_owned()
    };
    let file_source = format!("# file {}", file.display());
    assert!(
        line("database_url")
            .starts_with("database_url = \"postgres://app:***@db.example/stocktake\""),
        "{text}"
    );
    assert!(line("database_url").ends_with(&file_source), "{text}");
    assert!(!text.contains("s3cret"), "{text}");
    assert!(line("bind").contains("\"127.0.0.1:9001\""), "{text}");
    assert!(
        line("bind").ends_with("# environment variable STOCKTAKE_BIND"),
        "{text}"
    );
    assert!(line("stable_band").contains("= 3 "), "{text}");
    assert!(
        line("stable_band").ends_with("# flag --stable-band"),
        "{text}"
    );
    assert!(
        line("upload_limit_mib").ends_with("# environment variable STOCKTAKE_UPLOAD_LIMIT_MIB"),
        "{text}"
    );
    assert!(line("write_wait_seconds").ends_with("# default"), "{text}");
}

/// Scripts tell bad input (1) from a mistyped command (2) from a database
/// that cannot be reached (3), as `--help` says.
#[test]
fn exit_statuses_tell_bad_input_from_usage_from_an_unavailable_database() {
    for db in databases() {
        let status = |args: &[&str]| db.run(args).status.code();
        let bad = db.file("bad.csv", "code,name,level\n,No code,district\n");
        assert_eq!(status(&["import", "org-units", &bad]), Some(1));
        assert_eq!(
            status(&["scorecard", "--unit", "NOWHERE", "--period", "2025-01"]),
            Some(1)
        );
        assert_eq!(status(&["import", "org-units", "missing.csv"]), Some(1));
        assert_eq!(status(&["frobnicate"]), Some(2));
        assert_eq!(
            status(&["scorecard", "--unit", "X", "--period", "2025-13"]),
            Some(2)
        );
    }
    let unreachable = std::process::Command::new(env!("CARGO_BIN_EXE_stocktake"))
        .args(["--db", "postgres://nobody@127.0.0.1:1/stocktake", "init"])
        .env_remove("STOCKTAKE_CONFIG")
        .output()
        .unwrap();
    assert_eq!(unreachable.status.code(), Some(3));
    let help = std::process::Command::new(env!("CARGO_BIN_EXE_stocktake"))
        .arg("--help")
        .output()
        .unwrap();
    let help = String::from_utf8(help.stdout).unwrap();
    assert!(help.contains("Exit status: 0 done; 1 bad input"), "{help}");
}

/// A note (or name) that a spreadsheet would run as a formula is written so
/// it shows as text, with a leading quote mark, and the import reads it back
/// exactly: export then import still round-trips. A note that is just a
/// number stays a number.
#[test]
fn exports_keep_formulas_from_running_and_still_import_back() {
    for db in databases() {
        db.import(
            "org-units",
            "code,name,level,parent_code\nS,=Service,service,\nA,@Station A,station,S\n",
        );
        db.import(
            "indicators",
            "code,title,kind,polarity,frequency,decimals\nF,+Fires,count,lower_is_better,month,0\n",
        );
        let notes = [
            "=HYPERLINK(\"http://evil.example\",\"click\")",
            "+SUM(A1:A9)",
            "-2+3",
            "@cmd",
            "\t=1+1",
            "'=already quoted",
            "-5",
            "plain words",
        ];
        let mut values = String::from("indicator,org_unit,period,value,note\n");
        for (m, note) in notes.iter().enumerate() {
            // Quoted, as a tab must be to be part of a cell.
            let mut w = csv::WriterBuilder::new()
                .quote_style(csv::QuoteStyle::Always)
                .from_writer(vec![]);
            w.write_record(["F", "A", &format!("2024-{:02}", m + 1), "1", note])
                .unwrap();
            values.push_str(&String::from_utf8(w.into_inner().unwrap()).unwrap());
        }
        db.import("values", &values);

        let exported = db.ok(&["export", "values"]);
        let rows = csv_rows(&exported);
        let note_of = |period: &str| rows.iter().find(|r| r[2] == period).unwrap()[6].clone();
        assert_eq!(
            note_of("2024-01"),
            "'=HYPERLINK(\"http://evil.example\",\"click\")"
        );
        assert_eq!(note_of("2024-02"), "'+SUM(A1:A9)");
        assert_eq!(note_of("2024-03"), "'-2+3");
        assert_eq!(note_of("2024-04"), "'@cmd");
        // A leading quote mark before a formula character is the escape
        // itself, as a spreadsheet reads it: the note is "=already quoted".
        assert_eq!(note_of("2024-06"), "'=already quoted");
        assert_eq!(note_of("2024-07"), "-5", "a number stays a number");
        assert_eq!(note_of("2024-08"), "plain words");
        let units = db.ok(&["export", "org-units"]);
        assert!(units.contains("S,'=Service,service,"), "{units}");
        assert!(units.contains("A,'@Station A,station,S"), "{units}");
        let indicators = db.ok(&["export", "indicators"]);
        assert!(indicators.contains("F,'+Fires,count"), "{indicators}");
        for line in exported
            .lines()
            .chain(units.lines())
            .chain(indicators.lines())
        {
            for cell in csv_rows(line).into_iter().flatten() {
                assert!(
                    !cell.starts_with(['=', '+', '@', '\t', '\r'])
                        && (!cell.starts_with('-') || cell.parse::<f64>().is_ok()),
                    "[{}] a cell a spreadsheet would run: {cell:?}",
                    db.name
                );
            }
        }

        // The export imports back to the same rows: notes (the tab kept
        // inside its quoted cell), names and titles exactly as given.
        let path = db.file("again.csv", &exported);
        db.ok(&["import", "values", &path]);
        assert_eq!(db.ok(&["export", "values"]), exported);
        let scorecard = db.ok(&[
            "scorecard",
            "--unit",
            "S",
            "--period",
            "2024-08",
            "--format",
            "csv",
        ]);
        assert!(scorecard.contains("F,'+Fires,2024-08"), "{scorecard}");
    }
}

#[test]
fn a_target_cascades_to_the_units_below_by_their_share_of_recent_years() {
    for db in databases() {
        db.import(
            "org-units",
            "code,name,level,parent_code\nS,Service,service,\nA,Station A,station,S\nB,Station B,station,S\nC,Station C,station,S\n",
        );
        db.import(
            "indicators",
            "code,title,kind,polarity,frequency,decimals\nFIRES,Primary fires,count,lower_is_better,year,0\n",
        );
        // Three years: A has half the fires, B 30%, C 20%.
        let mut values = String::from("indicator,org_unit,period,value\n");
        for year in ["2021/22", "2022/23", "2023/24"] {
            writeln!(
                values,
                "FIRES,A,{year},50\nFIRES,B,{year},30\nFIRES,C,{year},20"
            )
            .unwrap();
        }
        db.import("values", &values);
        db.import(
            "targets",
            "indicator,org_unit,period,target,tolerance\nFIRES,S,2024/25,91,5\n",
        );
        let args = [
            "targets",
            "cascade",
            "--indicator",
            "FIRES",
            "--unit",
            "S",
            "--period",
            "2024/25",
        ];
        let preview = db.ok(&[&args[..], &["--check", "--format", "csv"]].concat());
        let rows = csv_rows(&preview);
        assert_eq!(
            rows[0],
            [
                "org_unit",
                "name",
                "history",
                "share_percent",
                "target",
                "replaces"
            ],
            "[{}]",
            db.name
        );
        // 45.5, 27.3 and 18.2, rounded so they add up to the service's 91.
        let targets: Vec<&str> = rows[1..].iter().map(|r| r[4].as_str()).collect();
        assert_eq!(targets, ["46", "27", "18"], "[{}]", db.name);
        assert_eq!(row(&rows, "A")[3], "50");
        // --check wrote nothing.
        assert!(
            !db.ok(&["export", "targets"]).contains("FIRES,A,"),
            "[{}]",
            db.name
        );
        let table = db.ok(&[&args[..], &["--ratify"]].concat());
        assert!(table.contains("Together: 91"), "[{}] {table}", db.name);
        let targets = db.ok(&["export", "targets"]);
        assert!(
            targets.contains("FIRES,A,2024/25,46,5"),
            "[{}] {targets}",
            db.name
        );
        // Equally; and a period without a parent target is refused, saying why.
        let equal = db.ok(&[&args[..], &["--equally", "--check", "--format", "csv"]].concat());
        assert!(equal.contains(",31,46"), "[{}] {equal}", db.name);
        let refused = db.fails(&[
            "targets",
            "cascade",
            "--indicator",
            "FIRES",
            "--unit",
            "S",
            "--period",
            "2025/26",
        ]);
        assert!(
            refused.contains("S has no FIRES target for 2025/26 to cascade: set one first"),
            "[{}] {refused}",
            db.name
        );
    }
}

#[test]
fn a_value_for_a_unit_where_the_indicator_does_not_apply_is_refused() {
    for db in databases() {
        db.import(
            "org-units",
            "code,name,level,parent_code\nS,Service,service,\nA,Station A,station,S\nE,England,country,\nD,Rushcliffe,district,E\n",
        );
        db.import(
            "indicators",
            "code,title,kind,polarity,frequency,decimals\nFIRES,Primary fires,count,lower_is_better,month,0\n",
        );
        db.import("applies", "indicator,level,under\nFIRES,station,S\n");
        let file = db.file(
            "values.csv",
            "indicator,org_unit,period,value\nFIRES,A,2025-01,3\nFIRES,D,2025-01,2\n",
        );
        let refused = db.fails(&["import", "values", &file]);
        assert!(
            refused.contains("line 3, column org_unit: FIRES is not collected for district D (it applies to stations under S)"),
            "[{}] {refused}",
            db.name
        );
        // A rule of neither level nor unit makes it apply everywhere again.
        db.import("applies", "indicator,level,under\nFIRES,,\n");
        db.ok(&["import", "values", &file]);
    }
}

/// A ward lookup of two districts in one region, in the shape the
/// benchmark generator reads.
const BENCH_WARDS: &str = "\
WDCD,WDNM,LADCD_ACTIVE,LADNM_ACTIVE,SOURCEFILE,RGNCD,RGNNM,CTRYCD
E05000001,Abbey,E07000001,Northby,test,E12000001,North East,E92000001
E05000002,Bridge,E07000001,Northby,test,E12000001,North East,E92000001
E05000003,Castle,E07000002,Southam,test,E12000001,North East,E92000001
E05000004,Dale,E07000002,Southam,test,E12000001,North East,E92000001
";

/// The benchmark workload in its two shapes, the values left blank beside
/// their parts or given with them as published data gives them: both
/// import whole (every given value agrees with its parts), and every
/// district's scorecard reads the same.
#[test]
fn the_benchmark_workload_imports_alike_with_its_values_given_or_left_to_compute() {
    let mut cards = Vec::new();
    for with_values in [false, true] {
        let db = &support::sqlite();
        let wards = db.file("wards.csv", BENCH_WARDS);
        let out = db.dir.path().join("workload");
        let out = out.to_str().unwrap();
        let mut args = vec![
            "bench-data",
            "--wards",
            &wards,
            "--months",
            "24",
            "--out",
            out,
        ];
        if with_values {
            args.push("--with-values");
        }
        db.ok(&args);
        let values = std::fs::read_to_string(format!("{out}/values.csv")).unwrap();
        let first = values.lines().nth(1).unwrap();
        let given = first.split(',').nth(3).unwrap();
        assert_eq!(!given.is_empty(), with_values, "{first}");
        for kind in ["org-units", "indicators", "values", "targets"] {
            db.ok(&["import", kind, &format!("{out}/{kind}.csv")]);
        }
        let card = |unit: &str| {
            db.ok(&[
                "scorecard",
                "--unit",
                unit,
                "--period",
                "2025-03",
                "--format",
                "csv",
            ])
        };
        cards.push((card("E07000001"), card("E07000002")));
        if with_values {
            // One value that disagrees with its parts: refused, by line.
            let mut lines: Vec<&str> = values.lines().collect();
            let broken = {
                let mut cells: Vec<&str> = lines[2].split(',').collect();
                cells[3] = "999.99";
                cells.join(",")
            };
            lines[2] = &broken;
            let file = db.file("broken.csv", &(lines.join("\n") + "\n"));
            let error = db.fails(&["import", "values", &file]);
            assert!(error.contains("line 3"), "{error}");
            assert!(
                error.contains("value 999.99 disagrees with numerator"),
                "{error}"
            );
        }
    }
    assert_eq!(cards[0], cards[1], "the same figures either way");
    assert!(cards[0].0.contains("W001"), "{}", cards[0].0);
}
