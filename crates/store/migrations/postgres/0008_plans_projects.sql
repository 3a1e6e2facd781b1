-- Improvement plans with their themes and action points, work programmes
-- with their objectives, workstreams and milestones, and projects with
-- their gates (proposal, scrutiny decision, updates, closure).

-- the statuses an action point may have, in the order plans count them;
-- done marks those counted as achieved, carried_forward the one an action
-- takes when it moves on to next year's plan (administrators edit the list)
create table action_status (
    id bigint generated always as identity primary key,
    code text collate "C" not null unique,
    name text not null,
    done bigint not null default 0,
    carried_forward bigint not null default 0,
    position bigint not null default 0
);
insert into action_status (code, name, done, carried_forward, position) values
    ('not_started', 'Not started', 0, 0, 1),
    ('in_progress', 'In progress', 0, 0, 2),
    ('complete', 'Complete', 1, 0, 3),
    ('complete_support', 'Complete with ongoing support', 1, 0, 4),
    ('carried_forward', 'Carried forward', 0, 1, 5);

-- an improvement plan (after an inspection, say) of a unit for a financial
-- year (2006/07); previous_id is the plan it follows on from, so carried
-- actions continue in its successor
create table improvement_plan (
    id bigint generated always as identity primary key,
    code text collate "C" not null unique,
    title text not null,
    org_unit_id bigint not null references org_unit (id),
    year text not null,
    description text not null default '',
    previous_id bigint references improvement_plan (id),
    created_by text not null default '',
    created_at timestamptz not null default current_timestamp
);
create index improvement_plan_by_previous on improvement_plan (previous_id);

-- a theme of a plan with its lead member, project manager, aims, key
-- outcomes, partnership opportunities and links to other plans
create table plan_theme (
    id bigint generated always as identity primary key,
    plan_id bigint not null references improvement_plan (id),
    ref text not null,
    title text not null,
    lead_member text not null default '',
    project_manager text not null default '',
    aims text not null default '',
    key_outcomes text not null default '',
    partnership_opportunities text not null default '',
    linked_plans text not null default '',
    unique (plan_id, ref)
);

-- an action point of a theme; carried_from_id is the action of an earlier
-- plan it continues
create table plan_action (
    id bigint generated always as identity primary key,
    plan_id bigint not null references improvement_plan (id),
    theme_id bigint not null references plan_theme (id),
    ref text not null,
    action text not null,
    lead text not null default '',
    due_on text,
    status_id bigint not null references action_status (id),
    carried_from_id bigint references plan_action (id),
    unique (plan_id, ref)
);
create index plan_action_by_carried_from on plan_action (carried_from_id);

-- a dated progress update on an action point, kept as history
create table action_update (
    id bigint generated always as identity primary key,
    action_id bigint not null references plan_action (id),
    noted_on text not null,
    note text not null,
    author text not null,
    created_at timestamptz not null default current_timestamp
);
create index action_update_by_action on action_update (action_id, noted_on);

-- the indicators an action point is meant to move
create table action_indicator (
    action_id bigint not null references plan_action (id),
    indicator_id bigint not null references indicator (id),
    primary key (action_id, indicator_id)
);

-- a work programme of a unit, reported quarterly
create table work_programme (
    id bigint generated always as identity primary key,
    code text collate "C" not null unique,
    title text not null,
    org_unit_id bigint not null references org_unit (id),
    year text not null,
    description text not null default '',
    created_by text not null default ''
);

-- an objective of a work programme
create table programme_objective (
    id bigint generated always as identity primary key,
    programme_id bigint not null references work_programme (id),
    ref text not null,
    title text not null,
    unique (programme_id, ref)
);

-- a workstream under an objective: a product or a process
create table workstream (
    id bigint generated always as identity primary key,
    objective_id bigint not null references programme_objective (id),
    ref text not null,
    title text not null,
    kind text not null,
    lead text not null default '',
    unique (objective_id, ref)
);

-- a milestone of a workstream: when it is due and when it was met
create table workstream_milestone (
    id bigint generated always as identity primary key,
    workstream_id bigint not null references workstream (id),
    title text not null,
    due_on text not null,
    done_on text
);

-- a dated progress comment on a workstream
create table workstream_comment (
    id bigint generated always as identity primary key,
    workstream_id bigint not null references workstream (id),
    noted_on text not null,
    note text not null,
    author text not null
);

-- a project through its gates: proposed (with the four assessments),
-- approved or rejected by a scrutiny body (the decision recorded), closed
-- with an evaluation of what worked and the lessons learned
create table project (
    id bigint generated always as identity primary key,
    code text collate "C" not null unique,
    title text not null,
    org_unit_id bigint not null references org_unit (id),
    description text not null default '',
    manager text not null default '',
    state text not null default 'proposed',
    health_safety text not null default '',
    equality_impact text not null default '',
    risk_analysis text not null default '',
    stakeholder_analysis text not null default '',
    decision_body text,
    decided_on text,
    decided_by text,
    decision text,
    what_worked text,
    lessons_learned text,
    closed_on text,
    created_by text not null default ''
);

-- a regular update on an approved project: progress, RAG and issues
create table project_update (
    id bigint generated always as identity primary key,
    project_id bigint not null references project (id),
    updated_on text not null,
    progress text not null,
    rag text not null,
    issues text not null default '',
    author text not null
);
create index project_update_by_project on project_update (project_id, updated_on);

-- the indicators a project is meant to move
create table project_indicator (
    project_id bigint not null references project (id),
    indicator_id bigint not null references indicator (id),
    primary key (project_id, indicator_id)
);
