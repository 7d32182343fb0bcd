{{ stg_competitor_posts(source('raw', 'youtube__competitor_posts')) }}
