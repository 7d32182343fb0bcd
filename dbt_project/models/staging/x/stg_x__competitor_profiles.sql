{{ stg_competitor_profiles(source('raw', 'x__competitor_profiles')) }}
