{{ stg_post_comments(source('raw', 'linkedin__post_comments')) }}
