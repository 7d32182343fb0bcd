{{ stg_competitor_posts(source('raw', 'x__competitor_posts')) }}
