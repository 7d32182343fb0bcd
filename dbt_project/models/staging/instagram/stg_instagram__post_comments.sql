{{ stg_post_comments(source('raw', 'instagram__post_comments')) }}
