{{ stg_competitor_profiles(source('raw', 'tiktok__competitor_profiles')) }}
