-- The national framework: indicator sets, Local Area Agreements and the
-- self-assessment and inspection frameworks units are judged against.

-- a named set of indicators (the national set, Best Value, a service's
-- local set), with its owner and the dates it is valid between; a set that
-- has ended stays readable for its years
create table indicator_set (
    id integer primary key,
    code text not null unique,
    name text not null,
    owner text not null default '',
    description text not null default '',
    valid_from text,
    valid_to text
);

-- an indicator's membership of a set: an indicator belongs to any number
create table indicator_set_member (
    set_id integer not null references indicator_set (id) on delete cascade,
    indicator_id integer not null references indicator (id),
    primary key (set_id, indicator_id)
);
create index indicator_set_member_by_indicator on indicator_set_member (indicator_id);

-- a Local Area Agreement: an area, a three-year period from first_year
-- (2008 is 2008/09 to 2010/11), the partnership that agreed it and the
-- national set its designated targets come from
create table laa (
    id integer primary key,
    code text not null unique,
    title text not null,
    org_unit_id integer not null references org_unit (id),
    first_year integer not null,
    partnership_id integer references partnership (id),
    national_set_id integer not null references indicator_set (id),
    description text not null default ''
);

-- a target of an LAA: designated (at most 35, from the national set),
-- statutory (education and early years, outside the 35) or local; with its
-- theme, the partner responsible, a baseline, a target for each of the three
-- years and an optional stretch (reward) target for the last
create table laa_target (
    id integer primary key,
    laa_id integer not null references laa (id) on delete cascade,
    indicator_id integer not null references indicator (id),
    kind text not null,
    theme text not null default '',
    partner text not null default '',
    baseline real,
    baseline_period text not null default '',
    target_1 real,
    target_2 real,
    target_3 real,
    stretch real,
    unique (laa_id, indicator_id)
);

-- a framework units are assessed against: themes, key lines of enquiry, the
-- descriptors of each level and its judgement scale (worst first, `;` apart)
create table assessment_framework (
    id integer primary key,
    code text not null unique,
    name text not null,
    scale text not null,
    description text not null default ''
);

-- a key line of enquiry of a framework, under its theme
create table kloe (
    id integer primary key,
    framework_id integer not null references assessment_framework (id) on delete cascade,
    ref text not null,
    theme text not null,
    question text not null,
    position integer not null,
    unique (framework_id, ref)
);

-- what a key line of enquiry looks like at one level of the scale
create table kloe_descriptor (
    kloe_id integer not null references kloe (id) on delete cascade,
    level text not null,
    descriptor text not null,
    primary key (kloe_id, level)
);

-- an assessment of a unit against a framework: the self-assessment, then the
-- external judgement, both kept
create table assessment (
    id integer primary key,
    framework_id integer not null references assessment_framework (id),
    org_unit_id integer not null references org_unit (id),
    title text not null,
    self_assessed_on text not null,
    self_overall text,
    judged_on text,
    judged_by text not null default '',
    judgement text,
    created_by text not null default ''
);

-- a key line of enquiry in an assessment: the self-assessed level with its
-- evidence (indicator codes, an action point, documents or web addresses),
-- then the external judgement; the action point an assessment raised
create table assessment_line (
    assessment_id integer not null references assessment (id) on delete cascade,
    kloe_id integer not null references kloe (id),
    self_level text,
    evidence text not null default '',
    indicators text not null default '',
    documents text not null default '',
    plan_action_id integer references plan_action (id),
    judgement text,
    judgement_note text not null default '',
    primary key (assessment_id, kloe_id)
);

-- the overall judgements of an assessment over time, self and external,
-- each with the intelligence record it fed
create table assessment_history (
    id integer primary key,
    assessment_id integer not null references assessment (id) on delete cascade,
    kind text not null,
    judged_on text not null,
    judgement text not null,
    by_whom text not null default '',
    intelligence_id integer references intelligence_record (id)
);
create index assessment_history_by_assessment on assessment_history (assessment_id);
