{{ stg_competitor_posts(source('raw', 'facebook__competitor_posts')) }}
