{{ stg_competitor_posts(source('raw', 'tiktok__competitor_posts')) }}
