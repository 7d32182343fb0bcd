{{ stg_post_comments(source('raw', 'x__post_comments')) }}
