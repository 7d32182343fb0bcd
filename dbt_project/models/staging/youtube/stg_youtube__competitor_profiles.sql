{{ stg_competitor_profiles(source('raw', 'youtube__competitor_profiles')) }}
