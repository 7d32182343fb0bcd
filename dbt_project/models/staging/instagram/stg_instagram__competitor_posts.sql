{{ stg_competitor_posts(source('raw', 'instagram__competitor_posts')) }}
