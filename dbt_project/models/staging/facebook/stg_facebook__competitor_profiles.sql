{{ stg_competitor_profiles(source('raw', 'facebook__competitor_profiles')) }}
