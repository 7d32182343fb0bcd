-- Every raw table of the contract (docs/architecture.md), empty. Shared by the dbt tests.
create schema if not exists raw;

create table if not exists raw.facebook__account_daily (
    account_id VARCHAR,
    metric_date DATE,
    followers BIGINT,
    followers_gained BIGINT,
    followers_lost BIGINT,
    views BIGINT,
    reach BIGINT,
    engagements BIGINT,
    profile_visits BIGINT,
    website_clicks BIGINT,
    _source VARCHAR,
    _partition_date DATE,
    _loaded_at TIMESTAMPTZ,
    _run_id VARCHAR
);

create table if not exists raw.facebook__post_snapshots (
    account_id VARCHAR,
    post_id VARCHAR,
    post_url VARCHAR,
    caption VARCHAR,
    content_type VARCHAR,
    published_at TIMESTAMPTZ,
    views BIGINT,
    reach BIGINT,
    reactions BIGINT,
    comments BIGINT,
    shares BIGINT,
    saves BIGINT,
    clicks BIGINT,
    video_views BIGINT,
    snapshot_date DATE,
    _source VARCHAR,
    _partition_date DATE,
    _loaded_at TIMESTAMPTZ,
    _run_id VARCHAR
);

create table if not exists raw.facebook__audience_demographics (
    account_id VARCHAR,
    snapshot_date DATE,
    dimension VARCHAR,
    dimension_value VARCHAR,
    audience_count BIGINT,
    audience_share DOUBLE,
    _source VARCHAR,
    _partition_date DATE,
    _loaded_at TIMESTAMPTZ,
    _run_id VARCHAR
);

create table if not exists raw.instagram__account_daily (
    account_id VARCHAR,
    metric_date DATE,
    followers BIGINT,
    followers_gained BIGINT,
    followers_lost BIGINT,
    views BIGINT,
    reach BIGINT,
    engagements BIGINT,
    profile_visits BIGINT,
    website_clicks BIGINT,
    _source VARCHAR,
    _partition_date DATE,
    _loaded_at TIMESTAMPTZ,
    _run_id VARCHAR
);

create table if not exists raw.instagram__post_snapshots (
    account_id VARCHAR,
    post_id VARCHAR,
    post_url VARCHAR,
    caption VARCHAR,
    content_type VARCHAR,
    published_at TIMESTAMPTZ,
    views BIGINT,
    reach BIGINT,
    reactions BIGINT,
    comments BIGINT,
    shares BIGINT,
    saves BIGINT,
    clicks BIGINT,
    video_views BIGINT,
    snapshot_date DATE,
    _source VARCHAR,
    _partition_date DATE,
    _loaded_at TIMESTAMPTZ,
    _run_id VARCHAR
);

create table if not exists raw.instagram__audience_demographics (
    account_id VARCHAR,
    snapshot_date DATE,
    dimension VARCHAR,
    dimension_value VARCHAR,
    audience_count BIGINT,
    audience_share DOUBLE,
    _source VARCHAR,
    _partition_date DATE,
    _loaded_at TIMESTAMPTZ,
    _run_id VARCHAR
);

create table if not exists raw.x__account_daily (
    account_id VARCHAR,
    metric_date DATE,
    followers BIGINT,
    followers_gained BIGINT,
    followers_lost BIGINT,
    views BIGINT,
    reach BIGINT,
    engagements BIGINT,
    profile_visits BIGINT,
    website_clicks BIGINT,
    _source VARCHAR,
    _partition_date DATE,
    _loaded_at TIMESTAMPTZ,
    _run_id VARCHAR
);

create table if not exists raw.x__post_snapshots (
    account_id VARCHAR,
    post_id VARCHAR,
    post_url VARCHAR,
    caption VARCHAR,
    content_type VARCHAR,
    published_at TIMESTAMPTZ,
    views BIGINT,
    reach BIGINT,
    reactions BIGINT,
    comments BIGINT,
    shares BIGINT,
    saves BIGINT,
    clicks BIGINT,
    video_views BIGINT,
    snapshot_date DATE,
    _source VARCHAR,
    _partition_date DATE,
    _loaded_at TIMESTAMPTZ,
    _run_id VARCHAR
);

create table if not exists raw.x__audience_demographics (
    account_id VARCHAR,
    snapshot_date DATE,
    dimension VARCHAR,
    dimension_value VARCHAR,
    audience_count BIGINT,
    audience_share DOUBLE,
    _source VARCHAR,
    _partition_date DATE,
    _loaded_at TIMESTAMPTZ,
    _run_id VARCHAR
);

create table if not exists raw.linkedin__account_daily (
    account_id VARCHAR,
    metric_date DATE,
    followers BIGINT,
    followers_gained BIGINT,
    followers_lost BIGINT,
    views BIGINT,
    reach BIGINT,
    engagements BIGINT,
    profile_visits BIGINT,
    website_clicks BIGINT,
    _source VARCHAR,
    _partition_date DATE,
    _loaded_at TIMESTAMPTZ,
    _run_id VARCHAR
);

create table if not exists raw.linkedin__post_snapshots (
    account_id VARCHAR,
    post_id VARCHAR,
    post_url VARCHAR,
    caption VARCHAR,
    content_type VARCHAR,
    published_at TIMESTAMPTZ,
    views BIGINT,
    reach BIGINT,
    reactions BIGINT,
    comments BIGINT,
    shares BIGINT,
    saves BIGINT,
    clicks BIGINT,
    video_views BIGINT,
    snapshot_date DATE,
    _source VARCHAR,
    _partition_date DATE,
    _loaded_at TIMESTAMPTZ,
    _run_id VARCHAR
);

create table if not exists raw.linkedin__audience_demographics (
    account_id VARCHAR,
    snapshot_date DATE,
    dimension VARCHAR,
    dimension_value VARCHAR,
    audience_count BIGINT,
    audience_share DOUBLE,
    _source VARCHAR,
    _partition_date DATE,
    _loaded_at TIMESTAMPTZ,
    _run_id VARCHAR
);

create table if not exists raw.youtube__account_daily (
    account_id VARCHAR,
    metric_date DATE,
    followers BIGINT,
    followers_gained BIGINT,
    followers_lost BIGINT,
    views BIGINT,
    reach BIGINT,
    engagements BIGINT,
    profile_visits BIGINT,
    website_clicks BIGINT,
    _source VARCHAR,
    _partition_date DATE,
    _loaded_at TIMESTAMPTZ,
    _run_id VARCHAR
);

create table if not exists raw.youtube__post_snapshots (
    account_id VARCHAR,
    post_id VARCHAR,
    post_url VARCHAR,
    caption VARCHAR,
    content_type VARCHAR,
    published_at TIMESTAMPTZ,
    views BIGINT,
    reach BIGINT,
    reactions BIGINT,
    comments BIGINT,
    shares BIGINT,
    saves BIGINT,
    clicks BIGINT,
    video_views BIGINT,
    snapshot_date DATE,
    _source VARCHAR,
    _partition_date DATE,
    _loaded_at TIMESTAMPTZ,
    _run_id VARCHAR
);

create table if not exists raw.youtube__audience_demographics (
    account_id VARCHAR,
    snapshot_date DATE,
    dimension VARCHAR,
    dimension_value VARCHAR,
    audience_count BIGINT,
    audience_share DOUBLE,
    _source VARCHAR,
    _partition_date DATE,
    _loaded_at TIMESTAMPTZ,
    _run_id VARCHAR
);

create table if not exists raw.tiktok__account_daily (
    account_id VARCHAR,
    metric_date DATE,
    followers BIGINT,
    followers_gained BIGINT,
    followers_lost BIGINT,
    views BIGINT,
    reach BIGINT,
    engagements BIGINT,
    profile_visits BIGINT,
    website_clicks BIGINT,
    _source VARCHAR,
    _partition_date DATE,
    _loaded_at TIMESTAMPTZ,
    _run_id VARCHAR
);

create table if not exists raw.tiktok__post_snapshots (
    account_id VARCHAR,
    post_id VARCHAR,
    post_url VARCHAR,
    caption VARCHAR,
    content_type VARCHAR,
    published_at TIMESTAMPTZ,
    views BIGINT,
    reach BIGINT,
    reactions BIGINT,
    comments BIGINT,
    shares BIGINT,
    saves BIGINT,
    clicks BIGINT,
    video_views BIGINT,
    snapshot_date DATE,
    _source VARCHAR,
    _partition_date DATE,
    _loaded_at TIMESTAMPTZ,
    _run_id VARCHAR
);

create table if not exists raw.tiktok__audience_demographics (
    account_id VARCHAR,
    snapshot_date DATE,
    dimension VARCHAR,
    dimension_value VARCHAR,
    audience_count BIGINT,
    audience_share DOUBLE,
    _source VARCHAR,
    _partition_date DATE,
    _loaded_at TIMESTAMPTZ,
    _run_id VARCHAR
);

create table if not exists raw.facebook__follower_online_hours (
    account_id VARCHAR,
    metric_date DATE,
    hour_of_day INTEGER,
    online_followers BIGINT,
    _source VARCHAR,
    _partition_date DATE,
    _loaded_at TIMESTAMPTZ,
    _run_id VARCHAR
);

create table if not exists raw.instagram__follower_online_hours (
    account_id VARCHAR,
    metric_date DATE,
    hour_of_day INTEGER,
    online_followers BIGINT,
    _source VARCHAR,
    _partition_date DATE,
    _loaded_at TIMESTAMPTZ,
    _run_id VARCHAR
);

create table if not exists raw.x__follower_online_hours (
    account_id VARCHAR,
    metric_date DATE,
    hour_of_day INTEGER,
    online_followers BIGINT,
    _source VARCHAR,
    _partition_date DATE,
    _loaded_at TIMESTAMPTZ,
    _run_id VARCHAR
);

create table if not exists raw.linkedin__follower_online_hours (
    account_id VARCHAR,
    metric_date DATE,
    hour_of_day INTEGER,
    online_followers BIGINT,
    _source VARCHAR,
    _partition_date DATE,
    _loaded_at TIMESTAMPTZ,
    _run_id VARCHAR
);

create table if not exists raw.youtube__follower_online_hours (
    account_id VARCHAR,
    metric_date DATE,
    hour_of_day INTEGER,
    online_followers BIGINT,
    _source VARCHAR,
    _partition_date DATE,
    _loaded_at TIMESTAMPTZ,
    _run_id VARCHAR
);

create table if not exists raw.tiktok__follower_online_hours (
    account_id VARCHAR,
    metric_date DATE,
    hour_of_day INTEGER,
    online_followers BIGINT,
    _source VARCHAR,
    _partition_date DATE,
    _loaded_at TIMESTAMPTZ,
    _run_id VARCHAR
);

create table if not exists raw.instagram__competitor_profiles (
    brand VARCHAR,
    account_handle VARCHAR,
    account_id VARCHAR,
    snapshot_date DATE,
    followers BIGINT,
    following BIGINT,
    posts_count BIGINT,
    total_views BIGINT,
    _source VARCHAR,
    _partition_date DATE,
    _loaded_at TIMESTAMPTZ,
    _run_id VARCHAR
);

create table if not exists raw.instagram__competitor_posts (
    brand VARCHAR,
    account_id VARCHAR,
    post_id VARCHAR,
    published_at TIMESTAMPTZ,
    content_type VARCHAR,
    caption VARCHAR,
    hashtags VARCHAR[],
    reactions BIGINT,
    comments BIGINT,
    shares BIGINT,
    views BIGINT,
    snapshot_date DATE,
    _source VARCHAR,
    _partition_date DATE,
    _loaded_at TIMESTAMPTZ,
    _run_id VARCHAR
);

create table if not exists raw.facebook__competitor_profiles (
    brand VARCHAR,
    account_handle VARCHAR,
    account_id VARCHAR,
    snapshot_date DATE,
    followers BIGINT,
    following BIGINT,
    posts_count BIGINT,
    total_views BIGINT,
    _source VARCHAR,
    _partition_date DATE,
    _loaded_at TIMESTAMPTZ,
    _run_id VARCHAR
);

create table if not exists raw.facebook__competitor_posts (
    brand VARCHAR,
    account_id VARCHAR,
    post_id VARCHAR,
    published_at TIMESTAMPTZ,
    content_type VARCHAR,
    caption VARCHAR,
    hashtags VARCHAR[],
    reactions BIGINT,
    comments BIGINT,
    shares BIGINT,
    views BIGINT,
    snapshot_date DATE,
    _source VARCHAR,
    _partition_date DATE,
    _loaded_at TIMESTAMPTZ,
    _run_id VARCHAR
);

create table if not exists raw.x__competitor_profiles (
    brand VARCHAR,
    account_handle VARCHAR,
    account_id VARCHAR,
    snapshot_date DATE,
    followers BIGINT,
    following BIGINT,
    posts_count BIGINT,
    total_views BIGINT,
    _source VARCHAR,
    _partition_date DATE,
    _loaded_at TIMESTAMPTZ,
    _run_id VARCHAR
);

create table if not exists raw.x__competitor_posts (
    brand VARCHAR,
    account_id VARCHAR,
    post_id VARCHAR,
    published_at TIMESTAMPTZ,
    content_type VARCHAR,
    caption VARCHAR,
    hashtags VARCHAR[],
    reactions BIGINT,
    comments BIGINT,
    shares BIGINT,
    views BIGINT,
    snapshot_date DATE,
    _source VARCHAR,
    _partition_date DATE,
    _loaded_at TIMESTAMPTZ,
    _run_id VARCHAR
);

create table if not exists raw.youtube__competitor_profiles (
    brand VARCHAR,
    account_handle VARCHAR,
    account_id VARCHAR,
    snapshot_date DATE,
    followers BIGINT,
    following BIGINT,
    posts_count BIGINT,
    total_views BIGINT,
    _source VARCHAR,
    _partition_date DATE,
    _loaded_at TIMESTAMPTZ,
    _run_id VARCHAR
);

create table if not exists raw.youtube__competitor_posts (
    brand VARCHAR,
    account_id VARCHAR,
    post_id VARCHAR,
    published_at TIMESTAMPTZ,
    content_type VARCHAR,
    caption VARCHAR,
    hashtags VARCHAR[],
    reactions BIGINT,
    comments BIGINT,
    shares BIGINT,
    views BIGINT,
    snapshot_date DATE,
    _source VARCHAR,
    _partition_date DATE,
    _loaded_at TIMESTAMPTZ,
    _run_id VARCHAR
);

create table if not exists raw.tiktok__competitor_profiles (
    brand VARCHAR,
    account_handle VARCHAR,
    account_id VARCHAR,
    snapshot_date DATE,
    followers BIGINT,
    following BIGINT,
    posts_count BIGINT,
    total_views BIGINT,
    _source VARCHAR,
    _partition_date DATE,
    _loaded_at TIMESTAMPTZ,
    _run_id VARCHAR
);

create table if not exists raw.tiktok__competitor_posts (
    brand VARCHAR,
    account_id VARCHAR,
    post_id VARCHAR,
    published_at TIMESTAMPTZ,
    content_type VARCHAR,
    caption VARCHAR,
    hashtags VARCHAR[],
    reactions BIGINT,
    comments BIGINT,
    shares BIGINT,
    views BIGINT,
    snapshot_date DATE,
    _source VARCHAR,
    _partition_date DATE,
    _loaded_at TIMESTAMPTZ,
    _run_id VARCHAR
);

create table if not exists raw.x__mention_counts (
    brand VARCHAR,
    metric_date DATE,
    mention_count BIGINT,
    query VARCHAR,
    _source VARCHAR,
    _partition_date DATE,
    _loaded_at TIMESTAMPTZ,
    _run_id VARCHAR
);

create table if not exists raw.x__mentions (
    brand VARCHAR,
    mention_id VARCHAR,
    mentioned_at TIMESTAMPTZ,
    metric_date DATE,
    text VARCHAR,
    author VARCHAR,
    url VARCHAR,
    engagements BIGINT,
    matched_terms VARCHAR[],
    _source VARCHAR,
    _partition_date DATE,
    _loaded_at TIMESTAMPTZ,
    _run_id VARCHAR
);

create table if not exists raw.youtube__mention_counts (
    brand VARCHAR,
    metric_date DATE,
    mention_count BIGINT,
    query VARCHAR,
    _source VARCHAR,
    _partition_date DATE,
    _loaded_at TIMESTAMPTZ,
    _run_id VARCHAR
);

create table if not exists raw.youtube__mentions (
    brand VARCHAR,
    mention_id VARCHAR,
    mentioned_at TIMESTAMPTZ,
    metric_date DATE,
    text VARCHAR,
    author VARCHAR,
    url VARCHAR,
    engagements BIGINT,
    matched_terms VARCHAR[],
    _source VARCHAR,
    _partition_date DATE,
    _loaded_at TIMESTAMPTZ,
    _run_id VARCHAR
);

create table if not exists raw.rss__mention_counts (
    brand VARCHAR,
    metric_date DATE,
    mention_count BIGINT,
    query VARCHAR,
    _source VARCHAR,
    _partition_date DATE,
    _loaded_at TIMESTAMPTZ,
    _run_id VARCHAR
);

create table if not exists raw.rss__mentions (
    brand VARCHAR,
    mention_id VARCHAR,
    mentioned_at TIMESTAMPTZ,
    metric_date DATE,
    text VARCHAR,
    author VARCHAR,
    url VARCHAR,
    engagements BIGINT,
    matched_terms VARCHAR[],
    _source VARCHAR,
    _partition_date DATE,
    _loaded_at TIMESTAMPTZ,
    _run_id VARCHAR
);

create table if not exists raw.rss__entries (
    feed_url VARCHAR,
    feed_title VARCHAR,
    entry_id VARCHAR,
    title VARCHAR,
    link VARCHAR,
    published_at TIMESTAMPTZ,
    metric_date DATE,
    summary VARCHAR,
    matched_brands VARCHAR[],
    matched_keywords VARCHAR[],
    _source VARCHAR,
    _partition_date DATE,
    _loaded_at TIMESTAMPTZ,
    _run_id VARCHAR
);

create table if not exists raw.google_trends__trending_searches (
    geo VARCHAR,
    metric_date DATE,
    rank BIGINT,
    topic VARCHAR,
    approx_traffic BIGINT,
    published_at TIMESTAMPTZ,
    news_titles VARCHAR[],
    _source VARCHAR,
    _partition_date DATE,
    _loaded_at TIMESTAMPTZ,
    _run_id VARCHAR
);

create table if not exists raw.google_trends__search_interest (
    brand VARCHAR,
    keyword VARCHAR,
    geo VARCHAR,
    metric_date DATE,
    interest DOUBLE,
    _source VARCHAR,
    _partition_date DATE,
    _loaded_at TIMESTAMPTZ,
    _run_id VARCHAR
);

create table if not exists raw.socialpulse__brands (
    brand VARCHAR,
    is_own_brand BOOLEAN,
    platform VARCHAR,
    account_handle VARCHAR,
    account_id VARCHAR,
    keywords VARCHAR[],
    hashtags VARCHAR[],
    _source VARCHAR,
    _partition_date DATE,
    _loaded_at TIMESTAMPTZ,
    _run_id VARCHAR
);

create table if not exists raw.socialpulse__goals (
    goal_id VARCHAR,
    description VARCHAR,
    metric VARCHAR,
    platform VARCHAR,
    brand VARCHAR,
    target_value DOUBLE,
    baseline_value DOUBLE,
    start_date DATE,
    deadline DATE,
    _source VARCHAR,
    _partition_date DATE,
    _loaded_at TIMESTAMPTZ,
    _run_id VARCHAR
);
