-- The intelligence picture and support: what the partnership knows about
-- each unit (some of it confidential to a closed group), the support matrix
-- and its costed menu, conflicts of interest, support requests and plans,
-- the peer register and the good practice library.

-- an audit line about a record confidential to a closed group carries the
-- group, so the trail shows it (and its before and after) only to members
alter table audit add column closed_group_id bigint references closed_group (id);
create index audit_by_closed_group on audit (closed_group_id) where closed_group_id is not null;

-- where intelligence comes from (self assessment, annual risk assessment,
-- peer review, anecdote...); scale lists the judgements the source gives,
-- worst first, separated by ';' ('1;2;3;4' or 'Poor;Fair;Good;Excellent'),
-- empty where it gives none
create table intelligence_source (
    id bigint generated always as identity primary key,
    code text collate "C" not null unique,
    name text not null,
    scale text not null default ''
);

-- a dated piece of intelligence about a unit; verification is reported,
-- verified or disputed; closed_group_id, where set, makes it confidential to
-- that group's members, whatever their role
create table intelligence_record (
    id bigint generated always as identity primary key,
    org_unit_id bigint not null references org_unit (id),
    source_id bigint not null references intelligence_source (id),
    recorded_on text not null,
    summary text not null,
    author text not null,
    judgement text,
    verification text not null default 'reported',
    closed_group_id bigint references closed_group (id),
    created_at timestamptz not null default current_timestamp
);
create index intelligence_by_unit on intelligence_record (org_unit_id, recorded_on);

-- the indicators a piece of intelligence is about
create table intelligence_indicator (
    record_id bigint not null references intelligence_record (id) on delete cascade,
    indicator_id bigint not null references indicator (id),
    primary key (record_id, indicator_id)
);

-- the kinds of problem support is matched to (organisational crisis,
-- coasting...), in the order the matrix shows them
create table problem_type (
    id bigint generated always as identity primary key,
    code text collate "C" not null unique,
    name text not null,
    description text not null default '',
    position bigint not null default 0
);

-- who gives support: change agents, peer authorities, experts
create table support_provider (
    id bigint generated always as identity primary key,
    code text collate "C" not null unique,
    name text not null,
    kind text not null default '',
    contact text not null default ''
);

-- what a provider offers for a problem type: the costed menu; funding is
-- free (at the point of delivery) or funded (the partnership pays
-- day_rate, in pounds, per day); capacity_days is how many days a year
create table support_offer (
    id bigint generated always as identity primary key,
    provider_id bigint not null references support_provider (id) on delete cascade,
    problem_type_id bigint not null references problem_type (id),
    offer text not null,
    capacity_days double precision not null default 0,
    day_rate bigint not null default 0,
    funding text not null default 'funded',
    unique (provider_id, problem_type_id)
);

-- a provider's declared conflict of interest with a unit: never offered to it
create table support_conflict (
    provider_id bigint not null references support_provider (id) on delete cascade,
    org_unit_id bigint not null references org_unit (id),
    reason text not null,
    declared_by text not null,
    declared_at timestamptz not null default current_timestamp,
    primary key (provider_id, org_unit_id)
);

-- a unit asking the partnership for help; state is new, triaged, planned or
-- closed; a triaged request names its problem type
create table support_request (
    id bigint generated always as identity primary key,
    org_unit_id bigint not null references org_unit (id),
    summary text not null,
    asked_by text not null,
    asked_on text not null,
    problem_type_id bigint references problem_type (id),
    state text not null default 'new',
    triaged_by text
);

-- a support plan for a unit: the diagnosis, the problem type, the adviser,
-- the internal team, status (draft, agreed, in_progress, complete,
-- cancelled), the review date and the financial year whose support budget
-- pays; closed_group_id makes it confidential to the group that reviews it
create table support_plan (
    id bigint generated always as identity primary key,
    code text collate "C" not null unique,
    org_unit_id bigint not null references org_unit (id),
    title text not null,
    problem_type_id bigint references problem_type (id),
    financial text not null default '',
    capacity text not null default '',
    capability text not null default '',
    political text not null default '',
    adviser text not null default '',
    internal_team text not null default '',
    status text not null default 'draft',
    review_on text,
    budget_year text not null,
    request_id bigint references support_request (id),
    closed_group_id bigint references closed_group (id),
    created_by text not null,
    created_at timestamptz not null default current_timestamp
);

-- the providers a plan mobilises, with the days and the cost (pounds)
create table support_plan_provider (
    plan_id bigint not null references support_plan (id) on delete cascade,
    provider_id bigint not null references support_provider (id),
    days double precision not null default 0,
    cost bigint not null default 0,
    primary key (plan_id, provider_id)
);

-- the closed group's reviews of a plan, and the improvements suggested
create table support_plan_review (
    id bigint generated always as identity primary key,
    plan_id bigint not null references support_plan (id) on delete cascade,
    reviewed_on text not null,
    reviewer text not null,
    notes text not null
);

-- what prompted a plan: intelligence records and indicators; and the good
-- practice it cites
create table support_plan_intelligence (
    plan_id bigint not null references support_plan (id) on delete cascade,
    record_id bigint not null references intelligence_record (id),
    primary key (plan_id, record_id)
);
create table support_plan_indicator (
    plan_id bigint not null references support_plan (id) on delete cascade,
    indicator_id bigint not null references indicator (id),
    primary key (plan_id, indicator_id)
);

-- the peer register: member and officer peers, when recruited and
-- accredited (and until when), their skills
create table peer (
    id bigint generated always as identity primary key,
    code text collate "C" not null unique,
    name text not null,
    kind text not null,
    home text not null default '',
    skills text not null default '',
    recruited_on text,
    accredited_on text,
    accredited_until text
);

-- a peer placed with a unit, for days, serving a plan where one is named,
-- with its evaluation
create table peer_placement (
    id bigint generated always as identity primary key,
    peer_id bigint not null references peer (id) on delete cascade,
    org_unit_id bigint not null references org_unit (id),
    plan_id bigint references support_plan (id),
    starts_on text not null,
    ends_on text,
    days double precision not null default 0,
    evaluation text not null default ''
);

-- the good practice library: case studies, tools and award entries, with
-- the unit they come from, a link, and the problem types and indicators they
-- address
create table good_practice (
    id bigint generated always as identity primary key,
    code text collate "C" not null unique,
    kind text not null,
    title text not null,
    summary text not null,
    org_unit_id bigint references org_unit (id),
    link text not null default ''
);
create table good_practice_problem (
    practice_id bigint not null references good_practice (id) on delete cascade,
    problem_type_id bigint not null references problem_type (id),
    primary key (practice_id, problem_type_id)
);
create table good_practice_indicator (
    practice_id bigint not null references good_practice (id) on delete cascade,
    indicator_id bigint not null references indicator (id),
    primary key (practice_id, indicator_id)
);
create table support_plan_practice (
    plan_id bigint not null references support_plan (id) on delete cascade,
    practice_id bigint not null references good_practice (id),
    primary key (plan_id, practice_id)
);

-- the problem types the East Midlands protocol names
insert into problem_type (code, name, description, position) values
    ('CRISIS', 'Organisational crisis', 'An individual authority has reached organisational crisis point.', 1),
    ('CSF', 'Failure on critical success factors', 'Such as use of resources or poor commissioning skills.', 2),
    ('SERVICE', 'Service-specific failure', 'For example, a waste disposal facility not in place.', 3),
    ('COASTING', 'Coasting', 'No demonstrable year on year improvement.', 4),
    ('CHALLENGE', 'Challenge before problems fester', 'A challenge to all authorities not to let problems fester but be willing to seek support.', 5),
    ('EXCELLENCE', 'Moving towards excellence', 'Authorities aiming for excellence, needing a different focus of support.', 6);

-- the sources of intelligence the protocol lists
insert into intelligence_source (code, name, scale) values
    ('SELF', 'Council self assessment', ''),
    ('ARA', 'Annual risk assessment', 'Red;Amber;Green'),
    ('UOR', 'Use of resources judgement', '1;2;3;4'),
    ('DOT', 'Direction of travel statement', 'Not improving adequately;Improving adequately;Improving well;Improving strongly'),
    ('CAA', 'CAA annual review report', ''),
    ('PEER', 'Peer review', ''),
    ('ANECDOTE', 'Anecdote from a change agent', ''),
    ('COMPARATORS', 'Regional performance comparators', '');
