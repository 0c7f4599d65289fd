-- Each module's settings move under its own name (issue 9 §1): the register's
-- suppression thresholds and retention under "people", the reward policy and
-- the invitation limit under "participation". The platform's own (the nation,
-- the plain-English acronyms) stay where they are. Values an organisation never
-- chose are left out, so the module's schema gives its default.
UPDATE organisations SET settings =
  (settings - ARRAY['suppressionStaff', 'suppressionPublished', 'retentionYears',
    'rewardPerHourPence', 'rewardCapPerActivityPence', 'rewardWeeklyThresholdPence',
    'rewardMonthlyThresholdPence', 'rewardTaxYearThresholdPence', 'invitationLimit',
    'invitationWindowDays'])
  || jsonb_build_object(
    'people', coalesce(settings -> 'people', '{}'::jsonb) || jsonb_strip_nulls(jsonb_build_object(
      'suppressionStaff', settings -> 'suppressionStaff',
      'suppressionPublished', settings -> 'suppressionPublished',
      'retentionYears', settings -> 'retentionYears')),
    'participation', coalesce(settings -> 'participation', '{}'::jsonb) || jsonb_strip_nulls(jsonb_build_object(
      'rewardPerHourPence', settings -> 'rewardPerHourPence',
      'rewardCapPerActivityPence', settings -> 'rewardCapPerActivityPence',
      'rewardWeeklyThresholdPence', settings -> 'rewardWeeklyThresholdPence',
      'rewardMonthlyThresholdPence', settings -> 'rewardMonthlyThresholdPence',
      'rewardTaxYearThresholdPence', settings -> 'rewardTaxYearThresholdPence',
      'invitationLimit', settings -> 'invitationLimit',
      'invitationWindowDays', settings -> 'invitationWindowDays')));
