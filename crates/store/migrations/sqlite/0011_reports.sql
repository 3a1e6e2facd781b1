-- Committee reports: a unit's quarterly performance report (and the other
-- report kinds) with its front sheet, where it stands on the sign-off chain
-- and, once issued, the figures as they stood.

-- one report of a kind for a unit and a period; stage is draft, reviewed,
-- approved (for committee) or issued; front_sheet is the front sheet's
-- passages as JSON text; snapshot, set when issued, is the whole composed
-- report as JSON text, so later changes to values do not alter it; times
-- are UTC text written by the application ('2025-01-31 09:15:00')
create table committee_report (
    id integer primary key,
    org_unit_id integer not null references org_unit (id),
    period text not null,
    kind text not null default 'quarterly',
    stage text not null default 'draft',
    front_sheet text not null default '{}',
    snapshot text,
    created_by text not null,
    created_at text not null,
    updated_at text not null,
    unique (org_unit_id, period, kind)
);

-- each step along the sign-off chain: who took it and when
create table committee_report_step (
    id integer primary key,
    report_id integer not null references committee_report (id),
    stage text not null,
    account_id integer references account (id),
    taken_by text not null,
    taken_at text not null,
    note text
);
create index committee_report_step_by_report on committee_report_step (report_id, id);
