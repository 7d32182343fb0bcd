{{ stg_competitor_profiles(source('raw', 'instagram__competitor_profiles')) }}
