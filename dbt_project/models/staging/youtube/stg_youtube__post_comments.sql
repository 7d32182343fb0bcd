{{ stg_post_comments(source('raw', 'youtube__post_comments')) }}
