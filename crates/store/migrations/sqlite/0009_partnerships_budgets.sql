-- The partnership register with its proposal gate and evaluation toolkit,
-- and budgets: allocations by programme area and line, in thousands of
-- pounds, with their printed totals kept beside the sums.

-- a budget a unit holds for a financial year (written 2008/09); amounts are
-- whole pounds, shown in thousands; imbalance_accepted_by names who imported
-- it knowing its totals did not add up, with what did not, so the page and
-- the trail can say so
create table budget (
    id integer primary key,
    code text not null unique,
    org_unit_id integer not null references org_unit (id),
    year text not null,
    title text not null,
    imbalance_accepted_by text,
    imbalance text not null default '',
    created_by text not null default '',
    created_at text not null default current_timestamp
);
create index budget_by_unit on budget (org_unit_id, year);

-- a line of a budget, in the order printed: kind is line, sub_line (under
-- the line before it), area_total (the printed total of its area),
-- allocation (a line outside the programme areas), contingency, sub_total,
-- already_allocated, total or funds_available; amount is whole pounds, null
-- where the line prints none; consultation marks a line "subject to further
-- consultation"
create table budget_line (
    id integer primary key,
    budget_id integer not null references budget (id) on delete cascade,
    position integer not null,
    area text not null default '',
    kind text not null,
    description text not null default '',
    amount bigint,
    consultation integer not null default 0,
    unique (budget_id, position)
);

-- the criteria partnerships are scored against, with their weights; a
-- retired criterion is no longer asked for, and old evaluations keep the
-- names and weights they were scored with
create table evaluation_criterion (
    id integer primary key,
    code text not null unique,
    name text not null,
    description text not null default '',
    weight integer not null,
    position integer not null default 0,
    retired integer not null default 0
);

insert into evaluation_criterion (code, name, description, weight, position) values
    ('AIMS', 'Supports the corporate aims', 'How far the partnership serves the organisation''s strategic objectives and community safety aims', 3, 1),
    ('OUTCOMES', 'Delivers measurable outcomes', 'Targets agreed, monitored and met: the evidence that it delivers', 3, 2),
    ('VALUE', 'Value for money', 'Funding and staff time against what the partnership achieves', 2, 3),
    ('GOVERNANCE', 'Governance and accountability', 'Clear terms of reference, roles, decision making and reporting to members', 2, 4),
    ('RISK', 'Risk managed', 'Risks to the organisation identified and controlled, an exit strategy in place', 1, 5);

-- a partnership in the register: members and goals served are lists
-- separated by ';'; funding describes where its money comes from, with the
-- organisation's annual contribution in pounds; state is proposed,
-- scrutinised, sanctioned, declined, active, under_review or ended
create table partnership (
    id integer primary key,
    code text not null unique,
    name text not null,
    org_unit_id integer not null references org_unit (id),
    classification text not null,
    purpose text not null default '',
    members text not null default '',
    lead text not null default '',
    funding text not null default '',
    contribution bigint,
    budget_id integer references budget (id),
    goals text not null default '',
    business_case text not null default '',
    exit_strategy text not null default '',
    review_on text,
    state text not null default 'proposed',
    created_by text not null default '',
    created_at text not null default current_timestamp
);
create index partnership_by_unit on partnership (org_unit_id);

-- a step through the proposal gate or the partnership's life: scrutiny by a
-- named body (PaCT) with its outcome, sanction or decline by the senior
-- team (SMT), starting, review, ending; state_after is where it left it
create table partnership_decision (
    id integer primary key,
    partnership_id integer not null references partnership (id) on delete cascade,
    step text not null,
    body text not null default '',
    outcome text not null default '',
    decided_on text not null,
    notes text not null default '',
    recorded_by text not null default '',
    state_after text not null
);
create index partnership_decision_by_partnership on partnership_decision (partnership_id, decided_on);

-- an evaluation of a partnership on a date with the toolkit
create table partnership_evaluation (
    id integer primary key,
    partnership_id integer not null references partnership (id) on delete cascade,
    evaluated_on text not null,
    evaluator text not null default '',
    notes text not null default ''
);
create index partnership_evaluation_by_partnership on partnership_evaluation (partnership_id, evaluated_on);

-- a score (0 to 5) against one criterion, with the criterion's name and
-- weight as they were when scored, so an old score stays explainable
create table partnership_evaluation_score (
    evaluation_id integer not null references partnership_evaluation (id) on delete cascade,
    position integer not null,
    criterion text not null,
    criterion_name text not null,
    weight integer not null,
    score integer not null,
    primary key (evaluation_id, position)
) without rowid;
