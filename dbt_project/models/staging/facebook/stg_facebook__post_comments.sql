{{ stg_post_comments(source('raw', 'facebook__post_comments')) }}
