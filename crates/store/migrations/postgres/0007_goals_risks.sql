-- Goals (the golden thread), risk registers with their scoring matrices,
-- each risk's score history, and the issues log beside each register.

-- a scoring matrix: a grid of likelihood (columns, 1 the lowest) by impact
-- (rows, 1 the lowest); the labels name each step, lowest first, separated
-- by ';'; score_rule says in words how a cell's score is reached
create table risk_matrix (
    id bigint generated always as identity primary key,
    code text collate "C" not null unique,
    name text not null,
    likelihoods bigint not null,
    impacts bigint not null,
    likelihood_labels text not null default '',
    impact_labels text not null default '',
    score_rule text not null default ''
);

-- each cell of a matrix: its score, its own words, and its band (low,
-- medium, high or severe: the heat map's shade, always shown with words)
create table risk_matrix_cell (
    matrix_id bigint not null references risk_matrix (id) on delete cascade,
    likelihood bigint not null,
    impact bigint not null,
    score bigint not null,
    words text not null,
    band text not null default 'low',
    primary key (matrix_id, likelihood, impact)
);

-- a risk register: one per unit (a council's, the region's), scored on a matrix
create table risk_register (
    id bigint generated always as identity primary key,
    code text collate "C" not null unique,
    name text not null,
    org_unit_id bigint not null references org_unit (id),
    matrix_id bigint not null references risk_matrix (id),
    description text not null default ''
);

-- a risk in a register, numbered within it; owners are the bodies that own
-- it, separated by ';'; inherent (before controls) and residual (after)
-- positions on the register's matrix; risk_indicators is the register's
-- own text, with links to indicators in risk_indicator
create table risk (
    id bigint generated always as identity primary key,
    register_id bigint not null references risk_register (id),
    code text collate "C" not null,
    title text not null,
    description text not null default '',
    category text not null default '',
    owners text not null default '',
    inherent_likelihood bigint not null,
    inherent_impact bigint not null,
    solution text not null default '',
    controls text not null default '',
    residual_likelihood bigint not null,
    residual_impact bigint not null,
    risk_indicators text not null default '',
    next_review text,
    status text not null default 'open',
    unique (register_id, code)
);

-- the indicators a risk's indicators text points to
create table risk_indicator (
    risk_id bigint not null references risk (id) on delete cascade,
    indicator_id bigint not null references indicator (id),
    primary key (risk_id, indicator_id)
);

-- every change of a risk's scores, dated, for its history chart
create table risk_score_history (
    id bigint generated always as identity primary key,
    risk_id bigint not null references risk (id) on delete cascade,
    changed_on text not null,
    inherent_likelihood bigint not null,
    inherent_impact bigint not null,
    inherent_score bigint not null,
    residual_likelihood bigint not null,
    residual_impact bigint not null,
    residual_score bigint not null,
    changed_by text not null default '',
    note text not null default ''
);
create index risk_score_history_by_risk on risk_score_history (risk_id, id);

-- the issues log beside a register: what has happened (where a risk is what
-- may), with its owner, impact, actions and status
create table risk_issue (
    id bigint generated always as identity primary key,
    register_id bigint not null references risk_register (id),
    code text collate "C" not null,
    title text not null,
    description text not null default '',
    owner text not null default '',
    impact text not null default '',
    actions text not null default '',
    status text not null default 'open',
    raised_on text,
    unique (register_id, code)
);

-- the names of the goal tree's levels in this deployment, from the top
create table goal_level (
    depth bigint primary key,
    name text not null
);

-- a goal: community strategy outcomes at the top, corporate goals below,
-- service objectives below those; a goal may belong to a unit
create table goal (
    id bigint generated always as identity primary key,
    code text collate "C" not null unique,
    title text not null,
    description text not null default '',
    parent_id bigint references goal (id),
    org_unit_id bigint references org_unit (id),
    position bigint not null default 0
);

-- what serves a goal: an indicator, risk, action, project or partnership,
-- named by its reference (an indicator's code, a risk's register/code)
create table goal_link (
    goal_id bigint not null references goal (id) on delete cascade,
    item_kind text not null,
    item_ref text not null,
    primary key (goal_id, item_kind, item_ref)
);
create index goal_link_by_item on goal_link (item_kind, item_ref);

-- the goal levels a deployment starts with
insert into goal_level (depth, name) values
    (1, 'Community strategy outcome'),
    (2, 'Corporate goal'),
    (3, 'Service objective');

-- the built-in matrices: the regional protocol's 3 x 3 grid as printed, and
-- a 5 x 5 likelihood by impact grid
insert into risk_matrix (code, name, likelihoods, impacts, likelihood_labels, impact_labels, score_rule) values
    ('PROTOCOL-3X3', 'EMRIEP risk analysis criteria (3 x 3)', 3, 3, 'Low;Medium;High', 'Low;Medium;High', 'The score is the cell number: 3 x (impact - 1) + likelihood, 1 to 9.'),
    ('STANDARD-5X5', 'Likelihood x impact (5 x 5)', 5, 5, 'Rare;Unlikely;Possible;Likely;Almost certain', 'Negligible;Minor;Moderate;Major;Severe', 'The score is likelihood x impact, 1 to 25.');

insert into risk_matrix_cell (matrix_id, likelihood, impact, score, words, band) values
    ((select id from risk_matrix where code = 'PROTOCOL-3X3'), 1, 1, 1, 'No action necessary', 'low'),
    ((select id from risk_matrix where code = 'PROTOCOL-3X3'), 2, 1, 2, 'Monitor as necessary – ensure being properly managed', 'medium'),
    ((select id from risk_matrix where code = 'PROTOCOL-3X3'), 3, 1, 3, 'Monitor as necessary – less important but still could have a serious effect on the provision of key services or duties', 'medium'),
    ((select id from risk_matrix where code = 'PROTOCOL-3X3'), 1, 2, 4, 'Monitor as necessary – less important but still could have a serious effect on the provision of key services or duties', 'medium'),
    ((select id from risk_matrix where code = 'PROTOCOL-3X3'), 2, 2, 5, 'Monitor as necessary – less important but could still have a serious effect on the provision of key services or duties', 'medium'),
    ((select id from risk_matrix where code = 'PROTOCOL-3X3'), 3, 2, 6, 'Key risks – may potentially affect provision of key services or duties', 'high'),
    ((select id from risk_matrix where code = 'PROTOCOL-3X3'), 1, 3, 7, 'Important risks – may potentially affect provision of key services or duties', 'high'),
    ((select id from risk_matrix where code = 'PROTOCOL-3X3'), 2, 3, 8, 'Key risk – may potentially affect provision of key services or duties', 'high'),
    ((select id from risk_matrix where code = 'PROTOCOL-3X3'), 3, 3, 9, 'Immediate action needed – serious threat to provision and/or achievement of key services or duties', 'severe'),
    ((select id from risk_matrix where code = 'STANDARD-5X5'), 1, 1, 1, 'Low – manage by routine procedures', 'low'),
    ((select id from risk_matrix where code = 'STANDARD-5X5'), 2, 1, 2, 'Low – manage by routine procedures', 'low'),
    ((select id from risk_matrix where code = 'STANDARD-5X5'), 3, 1, 3, 'Low – manage by routine procedures', 'low'),
    ((select id from risk_matrix where code = 'STANDARD-5X5'), 4, 1, 4, 'Medium – manage by specific monitoring or response procedures', 'medium'),
    ((select id from risk_matrix where code = 'STANDARD-5X5'), 5, 1, 5, 'Medium – manage by specific monitoring or response procedures', 'medium'),
    ((select id from risk_matrix where code = 'STANDARD-5X5'), 1, 2, 2, 'Low – manage by routine procedures', 'low'),
    ((select id from risk_matrix where code = 'STANDARD-5X5'), 2, 2, 4, 'Medium – manage by specific monitoring or response procedures', 'medium'),
    ((select id from risk_matrix where code = 'STANDARD-5X5'), 3, 2, 6, 'Medium – manage by specific monitoring or response procedures', 'medium'),
    ((select id from risk_matrix where code = 'STANDARD-5X5'), 4, 2, 8, 'High – senior management attention needed', 'high'),
    ((select id from risk_matrix where code = 'STANDARD-5X5'), 5, 2, 10, 'High – senior management attention needed', 'high'),
    ((select id from risk_matrix where code = 'STANDARD-5X5'), 1, 3, 3, 'Low – manage by routine procedures', 'low'),
    ((select id from risk_matrix where code = 'STANDARD-5X5'), 2, 3, 6, 'Medium – manage by specific monitoring or response procedures', 'medium'),
    ((select id from risk_matrix where code = 'STANDARD-5X5'), 3, 3, 9, 'High – senior management attention needed', 'high'),
    ((select id from risk_matrix where code = 'STANDARD-5X5'), 4, 3, 12, 'High – senior management attention needed', 'high'),
    ((select id from risk_matrix where code = 'STANDARD-5X5'), 5, 3, 15, 'Very high – immediate action required', 'severe'),
    ((select id from risk_matrix where code = 'STANDARD-5X5'), 1, 4, 4, 'Medium – manage by specific monitoring or response procedures', 'medium'),
    ((select id from risk_matrix where code = 'STANDARD-5X5'), 2, 4, 8, 'High – senior management attention needed', 'high'),
    ((select id from risk_matrix where code = 'STANDARD-5X5'), 3, 4, 12, 'High – senior management attention needed', 'high'),
    ((select id from risk_matrix where code = 'STANDARD-5X5'), 4, 4, 16, 'Very high – immediate action required', 'severe'),
    ((select id from risk_matrix where code = 'STANDARD-5X5'), 5, 4, 20, 'Very high – immediate action required', 'severe'),
    ((select id from risk_matrix where code = 'STANDARD-5X5'), 1, 5, 5, 'Medium – manage by specific monitoring or response procedures', 'medium'),
    ((select id from risk_matrix where code = 'STANDARD-5X5'), 2, 5, 10, 'High – senior management attention needed', 'high'),
    ((select id from risk_matrix where code = 'STANDARD-5X5'), 3, 5, 15, 'Very high – immediate action required', 'severe'),
    ((select id from risk_matrix where code = 'STANDARD-5X5'), 4, 5, 20, 'Very high – immediate action required', 'severe'),
    ((select id from risk_matrix where code = 'STANDARD-5X5'), 5, 5, 25, 'Very high – immediate action required', 'severe');
